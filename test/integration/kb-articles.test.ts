import { MongoArticleStore } from '../../src/adapters/persistence/mongo-kb-store.js';
import type { TestApp } from '../support/harness.js';
import { startWebApp } from '../support/web-accounts.js';
import { webClient, webLogin, type WebClient } from '../support/web-client.js';

/** Knowledge base through HTTP: writing, versions, publishing, search, the public FAQ and the export. */
const PROCEDURE = 'tuscan-gp-helpdesk';

interface Draft {
  title: string;
  body?: string;
  kind?: string;
  language?: string;
  public?: boolean;
  activityIds?: string;
  procedureIds?: string;
}

describe('knowledge base: articles, versions, search, FAQ page and export', () => {
  let app: TestApp;
  let ana: WebClient;
  let sofia: WebClient;
  let agent: WebClient;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    [ana, sofia, agent] = await Promise.all([
      webLogin(app, 'ana'),
      webLogin(app, 'sofia'),
      webLogin(app, 'operatore1'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  /** Creates an article as `client`; returns its id. */
  async function create(client: WebClient, draft: Draft): Promise<string> {
    const answer = await client.post('/kb', {
      title: draft.title,
      body: draft.body ?? `${draft.title}: testo.`,
      kind: draft.kind ?? 'faq',
      language: draft.language ?? 'it',
      category: 'INPS',
      procedureIds: draft.procedureIds ?? PROCEDURE,
      activityIds: draft.activityIds ?? '',
      ...(draft.public ? { public: 'true' } : {}),
    });
    expect(answer.status).toBe(303);
    const id = /^\/kb\/([a-z0-9-]+)\?saved=1$/.exec(answer.location ?? '')?.[1];
    if (!id) throw new Error(`unexpected location ${answer.location}`);
    return id;
  }

  async function publish(client: WebClient, id: string, baseVersion: number) {
    const answer = await client.post(`/kb/${id}/publish`, { baseVersion: String(baseVersion) });
    expect(answer).toMatchObject({ status: 303, location: `/kb/${id}?published=1` });
  }

  const apiSearch = (query: string) => app.call('mmgFirst', 'GET', `/api/kb/search?${query}`);

  test('given an analyst article, when it is a draft, then agents neither find nor open it; once published they do', async () => {
    const id = await create(ana, { title: 'Certificato di malattia rifiutato da INPS', kind: 'solution' });

    const hiddenSearch = await apiSearch('q=certificato%20malattia');
    const hiddenPage = await agent.get(`/kb/${id}`);
    await publish(ana, id, 1);
    const found = await apiSearch('q=CERTIFICATO%20malattia');
    const page = await agent.get(`/kb/${id}`);

    expect(hiddenSearch.body.results.map((r: { articleId: string }) => r.articleId)).not.toContain(id);
    expect(hiddenPage.status).toBe(404);
    expect(found.status).toBe(200);
    expect(found.body.results[0]).toMatchObject({ articleId: id, version: 2, url: `/kb/${id}` });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Certificato di malattia rifiutato da INPS');
  });

  test('given a published article, when it is edited, then the edit is a new draft version, agents keep the published text and a stale edit is refused', async () => {
    const id = await create(ana, { title: 'Smart card bloccata', body: 'Prima versione' });
    await publish(ana, id, 1);

    const edited = await ana.post(`/kb/${id}`, {
      baseVersion: '2',
      title: 'Smart card bloccata',
      body: 'Seconda versione',
      kind: 'faq',
      language: 'it',
      procedureIds: PROCEDURE,
    });
    const stale = await sofia.post(`/kb/${id}`, {
      baseVersion: '2',
      title: 'Smart card bloccata',
      body: 'Concorrente',
      kind: 'faq',
      language: 'it',
    });
    const agentView = await agent.get(`/kb/${id}`);
    const editorView = await ana.get(`/kb/${id}`);
    const oldVersion = await ana.get(`/kb/${id}?version=1`);

    expect(edited).toMatchObject({ status: 303, location: `/kb/${id}?saved=1` });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('version 2, the newest is 3');
    expect(agentView.text).toContain('Prima versione');
    expect(agentView.text).not.toContain('Seconda versione');
    expect(editorView.text).toContain('Seconda versione');
    expect(editorView.text).toContain('data-version="3"');
    expect([...editorView.text.matchAll(/<li data-version="(\d+)"/g)].map((m) => m[1])).toEqual([
      '3',
      '2',
      '1',
    ]);
    expect(oldVersion.text).toContain('Prima versione');
  });

  test('given a version stored without its pointer (a crash between the two writes), when the article is read or edited, then the pointer rolls forward to it', async () => {
    const id = await create(ana, { title: 'Scrittura interrotta', body: 'Versione uno' });
    const store = new MongoArticleStore(app.app.database.connection);
    const first = await store.version(id, 1);
    await store.insert({
      ...first!,
      version: 2,
      body: 'Versione due senza puntatore',
      createdAt: new Date(),
    });

    const page = await ana.get(`/kb/${id}`);
    const edited = await ana.post(`/kb/${id}`, {
      baseVersion: '2',
      title: 'Scrittura interrotta',
      body: 'Versione tre',
      kind: 'faq',
      language: 'it',
    });

    expect(page.text).toContain('Versione due senza puntatore');
    expect(edited).toMatchObject({ status: 303, location: `/kb/${id}?saved=1` });
    expect((await ana.get(`/kb/${id}`)).text).toContain('data-version="3"');
  });

  test('given Markdown with a script and a javascript: link, when the article page renders it, then neither reaches the page', async () => {
    const id = await create(ana, {
      title: 'Articolo ostile',
      body: '<script>alert(1)</script>\n\n[clic](javascript:alert(2)) [ok](https://example.org)',
    });

    const page = await ana.get(`/kb/${id}`);

    const body = /<div class="kb-body" id="kb-body">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
    expect(body).not.toMatch(/<script|javascript:/i);
    expect(body).toContain('href="https://example.org" rel="noopener noreferrer nofollow"');
  });

  test('given a body nesting quotes 21 deep or holding over 500 emphasis marks, when an analyst saves it, then the editor refuses it naming body and keeps the text', async () => {
    const draft = { language: 'it', kind: 'faq', category: 'INPS', procedureIds: PROCEDURE };

    const deep = await ana.post('/kb', {
      ...draft,
      title: 'Citazioni annidate',
      body: `${'>'.repeat(21)} nota`,
    });
    const emphatic = await ana.post('/kb', { ...draft, title: 'Enfasi', body: '*a'.repeat(501) });

    expect(deep.status).toBe(422);
    expect(deep.text).toContain('&quot;body&quot; nests quotes or lists more than 20 levels deep (line 1)');
    expect(deep.text).toContain(`${'&gt;'.repeat(21)} nota`);
    expect(emphatic.status).toBe(422);
    expect(emphatic.text).toContain(
      '&quot;body&quot; has more than 500 emphasis marks (runs of *, _ or ~): use fewer',
    );
  });

  test('given a public FAQ whose stored body overflows the renderer (saved before the depth limit), when anyone opens the FAQ page, then it shows as escaped text and the page and the other articles render', async () => {
    const formatted = await create(ana, {
      title: 'Pagina FAQ con formattazione',
      body: 'Usare il **PIN** della tessera.',
      public: true,
    });
    const legacy = await create(ana, { title: 'Pagina FAQ con citazioni annidate', public: true });
    const store = new MongoArticleStore(app.app.database.connection);
    const first = await store.version(legacy, 1);
    await store.insert({
      ...first!,
      version: 2,
      body: `${'>'.repeat(19_000)} <b>vecchia</b>`,
      createdAt: new Date(),
    });
    await publish(ana, formatted, 1);
    await publish(ana, legacy, 2);

    const faq = await webClient(app).get(`/faq/${PROCEDURE}?lang=it`);
    const again = await webClient(app).get(`/faq/${PROCEDURE}?lang=it`);

    const entry = (page: string, id: string) =>
      new RegExp(`data-article-id="${id}">[\\s\\S]*?<div class="kb-body">([\\s\\S]*?)</div>`).exec(page)?.[1];
    expect(faq.status).toBe(200);
    expect(faq.text).toContain('Pagina FAQ con citazioni annidate');
    expect(entry(faq.text, formatted)).toContain('<strong>PIN</strong>');
    const shown = entry(faq.text, legacy) ?? '';
    expect(shown.slice(0, 15)).toBe('<p>&gt;&gt;&gt;');
    expect(shown.slice(-35)).toBe('&gt; &lt;b&gt;vecchia&lt;/b&gt;</p>');
    expect(shown.match(/<blockquote|<b>/)).toBeNull();
    expect(again.status).toBe(200);
    expect(entry(again.text, legacy) === shown).toBe(true);
  });

  test('given agents, when they try to write or publish, then they are refused', async () => {
    const id = await create(ana, { title: 'Solo lettura' });

    const created = await agent.post('/kb', { title: 'x', body: 'y', language: 'it', kind: 'faq' });
    const published = await agent.post(`/kb/${id}/publish`, { baseVersion: '1' });

    expect(created.status).toBe(403);
    expect(published.status).toBe(403);
  });

  test('given a bad article form, then the editor shows every problem and keeps what was typed', async () => {
    const answer = await ana.post('/kb', { title: '', body: 'Testo tenuto', language: 'fr', kind: 'faq' });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('Testo tenuto');
    expect(answer.text).toContain('&quot;title&quot; is required');
    expect(answer.text).toContain('&quot;language&quot; must be one of es, it, en');
  });

  test('given a search over 200 characters, then the API refuses it naming q', async () => {
    const answer = await apiSearch(`q=${'a'.repeat(201)}`);

    expect(answer.status).toBe(422);
    expect(answer.body.error.details[0].path).toBe('q');
  });

  test('given published public, non-public and draft articles in two languages, when anyone opens the FAQ page, then only published public ones of that language show', async () => {
    const shown = await create(ana, { title: 'Come si rinnova la tessera?', public: true });
    const internal = await create(ana, { title: 'Procedura interna riservata' });
    const draft = await create(ana, { title: 'Bozza pubblica non ancora approvata', public: true });
    const spanish = await create(ana, {
      title: '¿Cómo se renueva la tarjeta?',
      language: 'es',
      public: true,
    });
    for (const id of [shown, internal, spanish]) await publish(ana, id, 1);
    const anonymous = webClient(app);

    const italian = await anonymous.get(`/faq/${PROCEDURE}?lang=it`); // the client's browser asks for es
    const inSpanish = await anonymous.get(`/faq/${PROCEDURE}?lang=es`);
    const unknown = await anonymous.get('/faq/no-such-procedure');

    expect(italian.status).toBe(200);
    expect(italian.text).toContain('Come si rinnova la tessera?');
    expect(italian.text).not.toContain('Procedura interna riservata');
    expect(italian.text).not.toContain('Bozza pubblica');
    expect(italian.text).not.toContain('¿Cómo se renueva');
    expect(italian.text).toContain('Domande frequenti');
    expect(inSpanish.text).toContain('¿Cómo se renueva la tarjeta?');
    expect(inSpanish.text).not.toContain('Come si rinnova');
    expect(inSpanish.text).toContain('Preguntas frecuentes');
    expect(unknown.status).toBe(404);
    void draft;
  });

  test("given a browser that prefers Spanish, when it opens the FAQ without ?lang, then the Spanish questions show; a browser asking only for German gets the procedure's language; the portal links each FAQ", async () => {
    const spanish = await create(ana, {
      title: '¿Dónde descargo el certificado?',
      language: 'es',
      public: true,
    });
    await publish(ana, spanish, 1);
    const asking = (languages: string) =>
      fetch(`${app.app.url}/faq/${PROCEDURE}`, { headers: { 'accept-language': languages } });

    const inSpanish = await asking('es-MX,es;q=0.9,en;q=0.5');
    const inGerman = await asking('de');
    const portal = await webClient(app).get('/portal?lang=es');

    const spanishText = await inSpanish.text();
    expect(spanishText).toContain('¿Dónde descargo el certificado?');
    expect(spanishText).toContain('<html lang="es">');
    expect(inSpanish.headers.get('vary') ?? '').toMatch(/Accept-Language/i);
    const germanText = await inGerman.text();
    expect(germanText).toContain('<html lang="it">');
    expect(germanText).not.toContain('¿Dónde descargo');
    expect(portal.status).toBe(200);
    const links = [...portal.text.matchAll(/class="faq-link" href="([^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((href) => /^\/faq\/[a-z0-9-]+\?lang=es$/.test(href ?? ''))).toBe(true);
  });

  test('given a published public FAQ, when an editor withdraws it, then agents, search and the FAQ page lose it, history keeps it, and publishing again restores it', async () => {
    const id = await create(ana, { title: 'Tessera sanitaria scaduta: cosa fare', public: true });
    await publish(ana, id, 1);

    const refusedByAgent = await agent.post(`/kb/${id}/withdraw`, { baseVersion: '2' });
    const withdrawn = await ana.post(`/kb/${id}/withdraw`, { baseVersion: '2' });
    const agentPage = await agent.get(`/kb/${id}`);
    const search = await apiSearch('q=tessera%20scaduta');
    const faq = await webClient(app).get(`/faq/${PROCEDURE}?lang=it`);
    const editorPage = await ana.get(`/kb/${id}`);
    await publish(ana, id, 3);
    const restored = await agent.get(`/kb/${id}`);

    expect(refusedByAgent.status).toBe(403);
    expect(withdrawn).toMatchObject({ status: 303, location: `/kb/${id}?withdrawn=1` });
    expect(agentPage.status).toBe(404);
    expect(search.body.results.map((r: { articleId: string }) => r.articleId)).not.toContain(id);
    expect(faq.text).not.toContain('Tessera sanitaria scaduta');
    expect(editorPage.text).toMatch(/id="kb-status">Withdrawn</);
    expect(editorPage.text).toContain('id="kb-publish"');
    expect(restored.status).toBe(200);
    expect(restored.text).toContain('Tessera sanitaria scaduta: cosa fare');
  });

  test('given published FAQ and glossary articles, when a supervisor exports them, then Markdown and CSV hold them and agents may not export', async () => {
    const question = await create(ana, {
      title: 'Perché il FSE non si aggiorna?',
      body: 'Verificare il **consenso**.',
    });
    const term = await create(ana, {
      title: 'CART',
      body: 'Cooperazione applicativa regionale toscana',
      kind: 'glossary',
    });
    for (const id of [question, term]) await publish(ana, id, 1);

    const md = await sofia.get(`/kb/export.md?procedureId=${PROCEDURE}&language=it`);
    const csv = await sofia.get(`/kb/export.csv?procedureId=${PROCEDURE}&language=it`);
    const refused = await agent.get('/kb/export.csv');

    expect(md.status).toBe(200);
    expect(md.text).toContain('# FAQ e glossario');
    expect(md.text).toContain('### Perché il FSE non si aggiorna?\n\nVerificare il **consenso**.');
    expect(md.text).toContain('**CART**: Cooperazione applicativa regionale toscana');
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toContain('"kind","language","articleId"');
    expect(csv.text).toContain(`"glossary","it","${term}","2","CART"`);
    expect(refused.status).toBe(403);
  });
});
