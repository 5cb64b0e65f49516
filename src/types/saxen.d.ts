/** Minimal typing of saxen 10 (bpmn.io's SAX parser under moddle-xml; the package ships none). */
declare module 'saxen' {
  export class Parser {
    on(
      event: 'openTag',
      handler: (
        name: string,
        attributes: () => Record<string, string>,
        decode: unknown,
        selfClosing: boolean,
      ) => void,
    ): this;
    on(event: 'error' | 'warn', handler: (error: Error) => void): this;
    parse(xml: string): this;
    stop(): void;
  }
}
