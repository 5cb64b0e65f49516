/**
 * Benchmark (a script, not a timed test): how long the deploy gate (XML guard, moddle, the
 * conventions, safety and support checks, bpmnlint) takes on an analyst's worst diagrams at the
 * default caps: shapes of about 10,000 XML elements that made per-element checks scan their whole
 * container (quadratic), and the most messages the cap allows beside thousands of references. The
 * gate runs on the server's thread, so every shape should take about as long as a plain chain of
 * the same size. Prints the milliseconds of each shape and what the gate answered.
 * Usage: npm run bench:deploy [-- <nodes per shape>]   (default 4900)
 */
import { BpmnDefinitionParser } from '../src/adapters/bpmn/definition-parser.js';
import { MAX_GLOBAL_ELEMENTS } from '../src/adapters/bpmn/global-elements.js';

const N = Math.max(10, Math.min(Number(process.argv[2] ?? 4900), 4900));
const range = (count: number) => Array.from({ length: Math.floor(count) }, (_, i) => i);
const flow = (from: string, to: string) =>
  `<bpmn:sequenceFlow id="f-${from}-${to}" sourceRef="${from}" targetRef="${to}" />`;
const errorEnd = (id: string) => `<bpmn:endEvent id="${id}"><bpmn:errorEventDefinition /></bpmn:endEvent>`;

function definitions(body: string, globals = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
${globals}<bpmn:process id="proc" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`;
}

/** start → `count` nodes of `tag` in a row → end. */
function chain(tag: string, count: number): string {
  const nodes = range(count).map((i) => `<bpmn:${tag} id="n${i}" />${flow(`n${i}`, `n${i + 1}`)}`);
  return definitions(
    `<bpmn:startEvent id="s" />${flow('s', 'n0')}${nodes.join('')}<bpmn:endEvent id="n${count}" />`,
  );
}

const SHAPES: Record<string, () => string> = {
  'user tasks in a row (the baseline)': () => chain('userTask', N - 1),
  'exclusive gateways in a row': () => chain('exclusiveGateway', N - 1),
  'inclusive gateways in a row': () => chain('inclusiveGateway', N - 1),
  'exclusive gateways in a loop': () =>
    definitions(
      range(N)
        .map((i) => `<bpmn:exclusiveGateway id="g${i}" />${flow(`g${i}`, `g${(i + 1) % N}`)}`)
        .join(''),
    ),
  'error ends in sibling sub-processes': () =>
    definitions(
      range(N / 4)
        .map(
          (i) =>
            `<bpmn:subProcess id="p${i}"><bpmn:startEvent id="s${i}" />${flow(`s${i}`, `e${i}`)}${errorEnd(`e${i}`)}</bpmn:subProcess>`,
        )
        .join(''),
    ),
  'error ends 40 sub-processes deep': () => {
    const open = range(40)
      .map((d) => `<bpmn:subProcess id="p${d}"><bpmn:startEvent id="s${d}" />`)
      .join('');
    const ends = range(N / 2)
      .map((i) => errorEnd(`e${i}`))
      .join('');
    return definitions(`${open}${ends}${'</bpmn:subProcess>'.repeat(40)}`);
  },
  'boundary events on one task': () =>
    definitions(
      `<bpmn:startEvent id="s" />${flow('s', 't')}<bpmn:userTask id="t" />${flow('t', 'e')}<bpmn:endEvent id="e" />` +
        range(N / 3)
          .map(
            (i) =>
              `<bpmn:boundaryEvent id="b${i}" attachedToRef="t"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>`,
          )
          .join(''),
    ),
  [`${MAX_GLOBAL_ELEMENTS} unused messages, ${N} references`]: () =>
    definitions(
      range(N)
        .map(
          (i) =>
            `<bpmn:intermediateCatchEvent id="c${i}"><bpmn:messageEventDefinition messageRef="used" /></bpmn:intermediateCatchEvent>`,
        )
        .join(''),
      range(MAX_GLOBAL_ELEMENTS - 1)
        .map((i) => `<bpmn:message id="m${i}" name="m${i}" />`)
        .join('') + '<bpmn:message id="used" name="used" />',
    ),
  'messages past the cap': () =>
    definitions(
      '',
      range(N)
        .map((i) => `<bpmn:message id="m${i}" name="m${i}" />`)
        .join(''),
    ),
};

async function main(): Promise<void> {
  const parser = new BpmnDefinitionParser();
  await parser.parse(chain('userTask', 50), 'proc', 'warm-up.bpmn').catch(() => undefined);
  console.log(`bench:deploy, ${N} nodes per shape, default caps, ${new Date().toISOString()}`);
  for (const [name, build] of Object.entries(SHAPES)) {
    const xml = build();
    const started = performance.now();
    const answer = await parser.parse(xml, 'proc', 'shape.bpmn').then(
      () => 'accepted',
      (error: unknown) => `refused: ${(error instanceof Error ? error.message : String(error)).slice(0, 70)}`,
    );
    console.log(`${(performance.now() - started).toFixed(0).padStart(6)} ms  ${name.padEnd(42)} ${answer}`);
  }
}

await main();
