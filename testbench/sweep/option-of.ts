/**
 * Which command-line option set a scenario field, for commands (sweep, start) that build the scenario from
 * their own options only. A lane mismatch between two convs (conv1.pe feeds conv2.simd) involves both
 * --simd and --pe, so both are named.
 */
export function optionOf(field: string, message = ''): string {
  const [top] = field.split('.');
  if (top === 'convs') {
    const both = /\.pe\b/.test(message) && /\.simd\b/.test(message);
    return both ? "--simd' and '--pe" : field.endsWith('.pe') ? '--pe' : '--simd';
  }
  if (top === 'height' || top === 'width') return '--width';
  if (top === 'midChannels' || top === 'outChannels') return '--channels';
  return `--${top}`;
}

/** A ConfigError's message with "config field 'x'" replaced by the option(s) that set it. */
export function asOptionMessage(field: string, message: string): string {
  const opt = optionOf(field, message);
  const word = opt.includes("' and '") ? 'options' : 'option';
  return message.replace(/^config field '[^']*'/, `${word} '${opt}'`);
}
