/** Minimal typing of bpmn-moddle 9 (the package ships none). Shared by every module that parses BPMN. */
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    readonly $type: string;
    readonly id?: string;
    readonly name?: string;
    readonly $attrs?: Record<string, string>;
    readonly [key: string]: unknown;
  }
  export interface ModdleWarning {
    readonly message: string;
    readonly element?: ModdleElement;
    readonly property?: string;
    readonly value?: unknown;
    readonly error?: Error;
  }
  export interface ParseResult {
    readonly rootElement: ModdleElement;
    readonly references: readonly { element: ModdleElement; property: string; id: string }[];
    readonly warnings: readonly ModdleWarning[];
    readonly elementsById: Readonly<Record<string, ModdleElement>>;
  }
  export default class BpmnModdle {
    constructor(packages?: Record<string, object>);
    fromXML(xml: string, typeName?: string): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}
