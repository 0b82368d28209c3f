/**
 * A strict, streaming VCD reader. It reads what IEEE 1364 §18 allows (declarations may span lines, as
 * Icarus writes them; any indentation, as Verilator writes it) and rejects, with the line number, what
 * GTKWave would silently misread: unknown id codes, values wider than their var, time going backwards,
 * `$var` after `$enddefinitions`, a missing `$end`, a scalar change on a vector, non-ASCII bytes, a
 * timescale other than 1/10/100 s..fs. Our writer's tests, the GTKWave round trip and the Icarus/Verilator
 * fixtures all go through it.
 *
 * Text arrives in chunks (`write`) and is processed line by line, so a file is never held in memory;
 * `parseVcd(text)` and `parseVcdFile(path)` collect the whole history for tests.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { parseTimescale, type Timescale } from './timescale.ts';

export interface VcdScope {
  type: string;
  name: string;
  /** Full dotted path. */
  path: string;
  line: number;
}

export interface VcdVar {
  type: string;
  size: number;
  id: string;
  /** Reference name without the range. */
  name: string;
  /** `[7:0]`, `[3]` or null. */
  range: string | null;
  /** Path of the enclosing scope ('' at top level). */
  scope: string;
  /** scope + '.' + name. */
  path: string;
  line: number;
}

export interface VcdHeader {
  date?: string;
  version?: string;
  timescale?: Timescale;
  comments: string[];
}

export type VcdBlock = '$dumpvars' | '$dumpall' | '$dumpon' | '$dumpoff';

/**
 * Callbacks of the streaming reader. Values are normalised: scalars `0 1 x z`; vectors full width, MSB
 * first, lowercase, left-extended per IEEE (0 for a leading 0/1, else the leading x/z); reals as written but
 * lowercase (`1.5`, `nan`, `-inf`); strings as written.
 */
export interface VcdHandler {
  scope?(s: VcdScope): void;
  var?(v: VcdVar): void;
  enddefinitions?(header: VcdHeader): void;
  time?(t: number, line: number): void;
  change?(id: string, value: string, time: number, line: number): void;
  /** Start of a `$dumpvars`/`$dumpall`/`$dumpon`/`$dumpoff` block. */
  block?(keyword: VcdBlock, time: number, line: number): void;
  comment?(text: string, time: number, line: number): void;
}

export interface VcdSummary {
  header: VcdHeader;
  scopes: VcdScope[];
  vars: VcdVar[];
  /** Last time marker (0 if none). */
  endTime: number;
  lines: number;
}

export class VcdParseError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`VCD line ${line}: ${detail}`);
    this.name = 'VcdParseError';
  }
}

const HEADER_KEYWORDS = new Set(['$date', '$version', '$timescale', '$comment', '$scope', '$upscope', '$var', '$enddefinitions']);
const BLOCK_KEYWORDS = new Set(['$dumpvars', '$dumpall', '$dumpon', '$dumpoff']);
const TEXT_KEYWORDS = new Set(['$date', '$version', '$comment']);
const ALL_KEYWORDS = new Set([...HEADER_KEYWORDS, ...BLOCK_KEYWORDS, '$end']);
// IEEE scope and var types plus the extensions GTKWave and wellen (Surfer) share.
const SCOPE_TYPES = new Set([
  'module', 'task', 'function', 'begin', 'fork', 'generate', 'struct', 'union', 'class', 'interface', 'package',
  'program', 'vhdl_architecture', 'vhdl_procedure', 'vhdl_function', 'vhdl_record', 'vhdl_process', 'vhdl_block',
  'vhdl_for_generate', 'vhdl_if_generate', 'vhdl_generate', 'vhdl_package',
]);
const VAR_TYPES = new Set([
  'event', 'integer', 'parameter', 'real', 'realtime', 'reg', 'supply0', 'supply1', 'time', 'tri', 'triand', 'trior',
  'trireg', 'tri0', 'tri1', 'wand', 'wire', 'wor', 'string', 'logic', 'bit', 'int', 'shortint', 'longint', 'byte',
  'enum', 'shortreal', 'real_parameter', 'port',
]);
const REAL_TYPES = new Set(['real', 'realtime', 'shortreal', 'real_parameter']);
const REAL_RE = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|inf|infinity)$/i;

interface IdInfo {
  size: number;
  real: boolean;
  string: boolean;
  first: VcdVar;
}

interface OpenCommand {
  kw: string;
  line: number;
  toks: string[];
}

export class VcdReader {
  private readonly h: VcdHandler;
  private tail = '';
  private lineNo = 0;
  private inHeader = true;
  private cmd: OpenCommand | null = null;
  private block: { kw: string; line: number } | null = null;
  private pending: { kind: string; value: string; line: number } | null = null;
  private readonly stack: string[] = [];
  private readonly ids = new Map<string, IdInfo>();
  /** Current time; changes before the first marker count as time 0 (SystemC writes $dumpvars before #0). */
  private time = 0;
  private ended = false;
  readonly header: VcdHeader = { comments: [] };
  readonly scopes: VcdScope[] = [];
  readonly vars: VcdVar[] = [];

  constructor(handler: VcdHandler = {}) {
    this.h = handler;
  }

  /** Feed text (any chunking; latin1-decoded bytes so non-ASCII bytes can be reported). */
  write(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const line = start === 0 && this.tail ? this.tail + chunk.slice(0, nl) : chunk.slice(start, nl);
      if (start === 0) this.tail = '';
      this.line(line);
      start = nl + 1;
    }
    this.tail = start === 0 ? this.tail + chunk : chunk.slice(start);
  }

  /** Finish: process the last line and check that nothing is left open. */
  end(): VcdSummary {
    if (this.ended) throw new Error('VcdReader.end: called twice');
    this.ended = true;
    if (this.tail) this.line(this.tail);
    this.tail = '';
    const at = this.lineNo;
    if (this.pending) throw new VcdParseError(at, `value '${this.pending.kind}${this.pending.value}' from line ${this.pending.line} has no id code before the end of the file`);
    if (this.cmd) throw new VcdParseError(at, `missing $end for ${this.cmd.kw} started at line ${this.cmd.line} (end of file)`);
    if (this.block) throw new VcdParseError(at, `missing $end for ${this.block.kw} started at line ${this.block.line} (end of file)`);
    if (this.inHeader) throw new VcdParseError(at, 'the file ends before $enddefinitions');
    return { header: this.header, scopes: this.scopes, vars: this.vars, endTime: this.time, lines: this.lineNo };
  }

  private fail(detail: string, line = this.lineNo): never {
    throw new VcdParseError(line, detail);
  }

  private line(text: string): void {
    this.lineNo++;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
        i++;
        continue;
      }
      const start = i;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) break;
        if (c < 32 || c > 126) {
          this.fail(c > 126 ? `non-ASCII character code ${c} in column ${i + 1} (GTKWave stops reading at bytes >= 0x80)` : `control character code ${c} in column ${i + 1}`);
        }
        i++;
      }
      this.token(text.slice(start, i));
    }
  }

  private token(tok: string): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      this.change(p.kind, p.value, tok, p.line);
      return;
    }
    const cmd = this.cmd;
    if (cmd) {
      if (tok === '$end') {
        this.cmd = null;
        this.finishCommand(cmd);
        return;
      }
      const keywordHere = ALL_KEYWORDS.has(tok) && !(cmd.kw === '$var' && cmd.toks.length === 2);
      if (keywordHere || (cmd.kw === '$var' && cmd.toks.length >= 5)) {
        this.fail(`missing $end for ${cmd.kw} started at line ${cmd.line} (found '${tok}')`);
      }
      if (!TEXT_KEYWORDS.has(cmd.kw) && cmd.kw !== '$var' && tok.startsWith('$')) {
        this.fail(`missing $end for ${cmd.kw} started at line ${cmd.line} (found '${tok}')`);
      }
      cmd.toks.push(tok);
      return;
    }
    if (tok.charCodeAt(0) === 36 /* $ */) {
      this.keyword(tok);
      return;
    }
    if (this.inHeader) this.fail(`expected a $keyword in the header, found '${tok}'`);
    const c = tok[0]!;
    if (c === '#') {
      if (this.block) this.fail(`missing $end for ${this.block.kw} started at line ${this.block.line} (found time '${tok}')`);
      if (!/^#\d+$/.test(tok)) this.fail(`bad time marker '${tok}': expected # followed by decimal digits`);
      const t = Number(tok.slice(1));
      if (!Number.isSafeInteger(t)) this.fail(`time ${tok.slice(1)} is too large (above 2^53)`);
      if (t < this.time) this.fail(`time goes backwards: #${t} after #${this.time}`);
      this.time = t;
      this.h.time?.(t, this.lineNo);
      return;
    }
    switch (c) {
      case '0':
      case '1':
      case 'x':
      case 'z':
      case 'X':
      case 'Z':
        if (tok.length < 2) this.fail(`scalar change '${tok}' has no id code (the code follows the value without a blank)`);
        this.change('', c, tok.slice(1), this.lineNo);
        return;
      case 'b':
      case 'B':
      case 'r':
      case 'R':
      case 's':
      case 'S':
        if (tok.length < 2 && c.toLowerCase() !== 's') this.fail(`value '${tok}' has no digits`);
        this.pending = { kind: c.toLowerCase(), value: tok.slice(1), line: this.lineNo };
        return;
      default:
        this.fail(`unexpected token '${tok}' (expected a time marker, a value change or a $keyword)`);
    }
  }

  private keyword(tok: string): void {
    if (tok === '$end') {
      if (this.block) {
        this.block = null;
        return;
      }
      this.fail("unexpected '$end' (no command is open)");
    }
    if (this.inHeader) {
      if (HEADER_KEYWORDS.has(tok)) {
        this.cmd = { kw: tok, line: this.lineNo, toks: [] };
        return;
      }
      if (BLOCK_KEYWORDS.has(tok)) this.fail(`${tok} before $enddefinitions`);
      this.fail(`unknown keyword '${tok}'`);
    }
    if (tok === '$comment') {
      this.cmd = { kw: tok, line: this.lineNo, toks: [] };
      return;
    }
    if (BLOCK_KEYWORDS.has(tok)) {
      if (this.block) this.fail(`missing $end for ${this.block.kw} started at line ${this.block.line} (found '${tok}')`);
      this.block = { kw: tok, line: this.lineNo };
      this.h.block?.(tok as VcdBlock, this.time, this.lineNo);
      return;
    }
    if (HEADER_KEYWORDS.has(tok)) this.fail(`${tok} after $enddefinitions`);
    this.fail(`unknown keyword '${tok}'`);
  }

  private finishCommand(cmd: OpenCommand): void {
    const { kw, toks, line } = cmd;
    switch (kw) {
      case '$date':
        this.header.date = toks.join(' ');
        return;
      case '$version':
        this.header.version = toks.join(' ');
        return;
      case '$comment':
        if (this.inHeader) this.header.comments.push(toks.join(' '));
        else this.h.comment?.(toks.join(' '), this.time, line);
        return;
      case '$timescale': {
        if (this.header.timescale) this.fail('second $timescale', line);
        const ts = parseTimescale(toks.join(''));
        if (!ts) this.fail(`bad $timescale '${toks.join(' ')}': expected 1, 10 or 100 followed by s, ms, us, ns, ps or fs`, line);
        this.header.timescale = ts;
        return;
      }
      case '$scope': {
        if (toks.length !== 2) this.fail(`$scope needs a type and a name, found ${toks.length} field(s): '${toks.join(' ')}'`, line);
        const [type, name] = toks as [string, string];
        if (!SCOPE_TYPES.has(type)) this.fail(`unknown scope type '${type}'`, line);
        const parent = this.stack.length ? this.stack[this.stack.length - 1]! : '';
        const path = parent ? `${parent}.${name}` : name;
        this.stack.push(path);
        const s: VcdScope = { type, name, path, line };
        this.scopes.push(s);
        this.h.scope?.(s);
        return;
      }
      case '$upscope':
        if (toks.length) this.fail(`$upscope takes no fields, found '${toks.join(' ')}'`, line);
        if (!this.stack.length) this.fail('$upscope without an open $scope', line);
        this.stack.pop();
        return;
      case '$var':
        this.declareVar(toks, line);
        return;
      case '$enddefinitions':
        if (toks.length) this.fail(`$enddefinitions takes no fields, found '${toks.join(' ')}'`, line);
        if (this.stack.length) this.fail(`$enddefinitions with ${this.stack.length} scope(s) still open (${this.stack[this.stack.length - 1]})`, line);
        this.inHeader = false;
        this.h.enddefinitions?.(this.header);
        return;
    }
  }

  private declareVar(toks: string[], line: number): void {
    if (toks.length < 4) this.fail(`$var needs type, size, id code and name, found '${toks.join(' ')}'`, line);
    const [type, sizeText, id] = toks as [string, string, string];
    let ref = toks[3]!;
    let range: string | null = toks[4] ?? null;
    if (!VAR_TYPES.has(type)) this.fail(`unknown var type '${type}'`, line);
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1) this.fail(`$var size '${sizeText}' is not a positive integer`, line);
    const size = Number(sizeText);
    const real = REAL_TYPES.has(type);
    if (range === null) {
      const b = ref.indexOf('[');
      if (b > 0) {
        range = ref.slice(b);
        ref = ref.slice(0, b);
      }
    }
    if (range !== null) {
      const m = /^\[(-?\d+)(?::(-?\d+))?\]$/.exec(range);
      if (!m) this.fail(`bad range '${range}' for ${ref}: expected [msb:lsb] or [bit]`, line);
      const width = m[2] === undefined ? 1 : Math.abs(Number(m[1]) - Number(m[2])) + 1;
      if (!real && width !== size) this.fail(`$var ${ref}: size ${size} does not match range ${range} (${width} bits)`, line);
    }
    const scope = this.stack.length ? this.stack[this.stack.length - 1]! : '';
    const v: VcdVar = { type, size, id, name: ref, range, scope, path: scope ? `${scope}.${ref}` : ref, line };
    const prior = this.ids.get(id);
    if (prior) {
      if (prior.size !== size || prior.real !== real) {
        this.fail(`id code '${id}' declared as ${prior.first.type} ${prior.size} (${prior.first.path}, line ${prior.first.line}) and as ${type} ${size} (${v.path})`, line);
      }
    } else {
      this.ids.set(id, { size, real, string: type === 'string', first: v });
    }
    this.vars.push(v);
    this.h.var?.(v);
  }

  private change(kind: string, value: string, id: string, line: number): void {
    const info = this.ids.get(id);
    if (!info) this.fail(`unknown id code '${id}'`, line);
    const what = info.first.path;
    let out: string;
    switch (kind) {
      case '':
        if (info.real || info.string) this.fail(`scalar change '${value}${id}' on ${info.first.type} var ${what}`, line);
        if (info.size !== 1) this.fail(`scalar change '${value}${id}' on vector var ${what} (size ${info.size}); vectors need 'b… ${id}'`, line);
        out = value.toLowerCase();
        break;
      case 'b': {
        if (info.real || info.string) this.fail(`binary value 'b${value}' on ${info.first.type} var ${what}`, line);
        const v = value.toLowerCase();
        if (!/^[01xz]+$/.test(v)) this.fail(`binary value 'b${value}' for ${what} has digits other than 0 1 x z`, line);
        if (v.length > info.size) this.fail(`value 'b${value}' has ${v.length} bits, wider than ${what} (size ${info.size})`, line);
        const fill = v[0] === '1' ? '0' : v[0]!;
        out = v.length === info.size ? v : fill.repeat(info.size - v.length) + v;
        break;
      }
      case 'r':
        if (!info.real) this.fail(`real value 'r${value}' on ${info.first.type} var ${what}`, line);
        if (!REAL_RE.test(value)) this.fail(`real value 'r${value}' for ${what} is not a number`, line);
        out = value.toLowerCase();
        break;
      default:
        if (!info.string) this.fail(`string value 's${value}' on ${info.first.type} var ${what}`, line);
        out = value;
    }
    this.h.change?.(id, out, this.time, line);
  }
}

/** Everything in a VCD, for tests and small files. `history` maps an id code to its [time, value] changes. */
export interface ParsedVcd extends VcdSummary {
  history: Map<string, [number, string][]>;
  /** Every time marker, in order. */
  times: number[];
  comments: { time: number; text: string }[];
  blocks: { keyword: VcdBlock; time: number }[];
}

function collector(): { handler: VcdHandler; finish(s: VcdSummary): ParsedVcd } {
  const history = new Map<string, [number, string][]>();
  const times: number[] = [];
  const comments: { time: number; text: string }[] = [];
  const blocks: { keyword: VcdBlock; time: number }[] = [];
  const handler: VcdHandler = {
    var(v) {
      if (!history.has(v.id)) history.set(v.id, []);
    },
    time(t) {
      times.push(t);
    },
    change(id, value, time) {
      history.get(id)!.push([time, value]);
    },
    comment(text, time) {
      comments.push({ time, text });
    },
    block(keyword, time) {
      blocks.push({ keyword, time });
    },
  };
  return { handler, finish: (s) => ({ ...s, history, times, comments, blocks }) };
}

/** Parse a whole VCD text. Throws VcdParseError (with `.line`) on malformed input. */
export function parseVcd(text: string): ParsedVcd {
  const c = collector();
  const r = new VcdReader(c.handler);
  r.write(text);
  return c.finish(r.end());
}

/** Stream a VCD (or gzipped VCD) file through `handler` without loading it whole. */
export async function readVcdFile(path: string, handler: VcdHandler = {}): Promise<VcdSummary> {
  const magic = Buffer.alloc(2);
  const fd = fs.openSync(path, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, magic, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  let input: Readable = fs.createReadStream(path);
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) input = input.pipe(zlib.createGunzip());
  input.setEncoding('latin1');
  const r = new VcdReader(handler);
  for await (const chunk of input) r.write(chunk as string);
  return r.end();
}

/** `readVcdFile` collecting the whole history (tests). */
export async function parseVcdFile(path: string): Promise<ParsedVcd> {
  const c = collector();
  return c.finish(await readVcdFile(path, c.handler));
}

/** The var whose path is `path` (`top.data` or `top.data[7:0]`). */
export function findVar(vcd: VcdSummary, path: string): VcdVar {
  const v = vcd.vars.find((x) => x.path === path || `${x.path}${x.range ?? ''}` === path);
  if (!v) throw new Error(`no $var named ${path} (have: ${vcd.vars.slice(0, 20).map((x) => x.path).join(', ')}${vcd.vars.length > 20 ? ', …' : ''})`);
  return v;
}

/** History of the var at `path`. */
export function historyOf(vcd: ParsedVcd, path: string): [number, string][] {
  return vcd.history.get(findVar(vcd, path).id)!;
}
