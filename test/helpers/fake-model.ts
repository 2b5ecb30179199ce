import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

/** One scripted shell command the fake model asks the agent to run, one per turn, in order. */
export interface ScriptedCall {
  /** `{{url}}` stands for the fake model's own address (it serves `files`), here and in `tool.input`. */
  command: string;
  /** Instead of the shell: this tool with these arguments, named as the agent under test names it. */
  tool?: { name: string; input: Record<string, unknown> };
}

/** What the agent sent back for one scripted call: the tool result text it showed the model. */
export interface ToolResult {
  command: string;
  output: string;
}

/** A loopback model server speaking the three vendors' streaming APIs, driven by a script. */
export interface FakeModel {
  url: string;
  /** Every request body received, in order (path and parsed JSON). */
  requests: { path: string; body: Record<string, unknown> }[];
  /** Tool results the agents returned, matched to the scripted command by order. */
  results(): ToolResult[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.map(text).join('\n') : isObj(v) ? JSON.stringify(v) : '';

/**
 * Starts a fake model on 127.0.0.1. Each request that offers tools gets the next scripted shell call
 * (counted from the tool results already in the conversation), then a final text answer; requests without
 * tools (titles, summaries) get a short text. Anthropic Messages, OpenAI Responses and Gemini
 * streamGenerateContent, all as server-sent events, as the real agents ask for them.
 */
export async function startFakeModel(
  script: readonly ScriptedCall[],
  /** Plain files served on GET (a script for the agent to download), by path. */
  files: Record<string, string> = {},
): Promise<FakeModel> {
  const requests: FakeModel['requests'] = [];
  const outputs: string[] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Json = {};
    try {
      body = raw ? (JSON.parse(raw) as Json) : {};
    } catch {
      body = {};
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && files[path] !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(files[path]);
      return;
    }
    requests.push({ path, body });
    if (req.method === 'POST' && /\/v1\/messages$/.test(path)) return anthropic(body, res);
    if (req.method === 'POST' && /\/responses$/.test(path)) return openai(body, res);
    if (req.method === 'POST' && /:(stream)?[gG]enerateContent$/.test(path)) return gemini(path, body, res);
    if (/count_tokens|:countTokens$/.test(path)) return json(res, { input_tokens: 10, totalTokens: 10 });
    json(res, { error: { message: `fake model: no route ${req.method} ${path}` } }, 404);
  }
  let base = '';
  const next = (done: number): ScriptedCall | undefined => {
    const call = script[done];
    if (!call) return undefined;
    const tool = call.tool && {
      ...call.tool,
      input: JSON.parse(JSON.stringify(call.tool.input).replaceAll('{{url}}', base)) as Json,
    };
    return { ...call, command: call.command.replaceAll('{{url}}', base), ...(tool ? { tool } : {}) };
  };
  const sse = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

  function anthropic(body: Json, res: ServerResponse) {
    const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
    const results = messages.flatMap((m) =>
      Array.isArray(m.content) ? (m.content as Json[]).filter((b) => b.type === 'tool_result') : [],
    );
    record(results.map((r) => text(r.content)));
    const call = Array.isArray(body.tools) && body.tools.length > 0 ? next(results.length) : undefined;
    const model = typeof body.model === 'string' ? body.model : 'claude-fake';
    const usage = { input_tokens: 10, output_tokens: 5 };
    const send = (event: string, data: Json) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (body.stream !== true) {
      json(res, {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage,
      });
      return;
    }
    sse(res);
    send('message_start', {
      type: 'message_start',
      message: {
        id: `msg_${results.length}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    });
    if (call) {
      send('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: {
          type: 'tool_use',
          id: `toolu_${results.length}`,
          name: call.tool?.name ?? 'Bash',
          input: {},
        },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: {
          type: 'input_json_delta',
          partial_json: JSON.stringify(
            call.tool?.input ?? { command: call.command, description: 'scripted' },
          ),
        },
      });
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'done' },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: call ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  function openai(body: Json, res: ServerResponse) {
    const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
    const results = input.filter(
      (i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output',
    );
    record(results.map((r) => text(r.output)));
    const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
    const call = tools.length > 0 ? next(results.length) : undefined;
    const names = new Set(tools.map((t) => String(t.name ?? '')));
    const id = `resp_${results.length}`;
    let item: Json;
    const custom = new Set(tools.filter((t) => t.type === 'custom').map((t) => String(t.name ?? '')));
    if (call?.tool && custom.has(call.tool.name))
      // A freeform tool (Codex's apply_patch): its input is the text itself.
      item = {
        type: 'custom_tool_call',
        id: `ctc_${results.length}`,
        call_id: `call_${results.length}`,
        name: call.tool.name,
        input: String(call.tool.input.input ?? ''),
        status: 'completed',
      };
    else if (call?.tool)
      item = {
        type: 'function_call',
        id: `fc_${results.length}`,
        call_id: `call_${results.length}`,
        name: call.tool.name,
        // "{{session}}": the id of the process the agent's last output said is still running (Codex's write_stdin).
        arguments: JSON.stringify(call.tool.input).replaceAll(
          '"{{session}}"',
          [...outputs.join('\n').matchAll(/session ID (\d+)/g)].at(-1)?.[1] ?? '0',
        ),
        status: 'completed',
      };
    else if (call && names.has('exec_command'))
      item = {
        type: 'function_call',
        id: `fc_${results.length}`,
        call_id: `call_${results.length}`,
        name: 'exec_command',
        arguments: JSON.stringify({ cmd: call.command }),
        status: 'completed',
      };
    else if (call)
      item = {
        type: 'function_call',
        id: `fc_${results.length}`,
        call_id: `call_${results.length}`,
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', call.command] }),
        status: 'completed',
      };
    else
      item = {
        type: 'message',
        id: `msg_${results.length}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'done', annotations: [] }],
      };
    const usage = {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    };
    sse(res);
    const send = (data: Json) => res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
    send({ type: 'response.created', response: { id, status: 'in_progress', output: [] } });
    send({ type: 'response.output_item.added', output_index: 0, item });
    send({ type: 'response.output_item.done', output_index: 0, item });
    send({ type: 'response.completed', response: { id, status: 'completed', output: [item], usage } });
    res.end();
  }

  function gemini(path: string, body: Json, res: ServerResponse) {
    const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
    const results = contents.flatMap((c) =>
      Array.isArray(c.parts) ? (c.parts as Json[]).filter((p) => isObj(p.functionResponse)) : [],
    );
    record(results.map((p) => text((p.functionResponse as Json).response)));
    const tools = Array.isArray(body.tools) ? body.tools : [];
    const call = tools.length > 0 ? next(results.length) : undefined;
    // Side requests that want JSON (Gemini CLI's model router) get a small, schema-shaped object.
    const config = isObj(body.generationConfig) ? body.generationConfig : {};
    const wantsJson = config.responseMimeType === 'application/json';
    const parts = call
      ? [
          {
            functionCall: call.tool
              ? { name: call.tool.name, args: call.tool.input }
              : { name: 'run_shell_command', args: { command: call.command } },
          },
        ]
      : [
          {
            text: wantsJson
              ? JSON.stringify({ complexity_reasoning: 'scripted', complexity_score: 10 })
              : 'done',
          },
        ];
    const chunk = {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: 'gemini-fake',
    };
    if (!path.includes(':stream')) return json(res, chunk);
    sse(res);
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end();
  }

  function record(seen: string[]) {
    for (let i = outputs.length; i < seen.length; i++) outputs.push(seen[i] ?? '');
  }
  function json(res: ServerResponse, data: unknown, status = 200) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    requests,
    results: () => outputs.map((output, i) => ({ command: next(i)?.command ?? '', output })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Fake models for one test file, all closed after its tests: `model(script)` starts one, and `closing` takes
 * anything else to close then (call at the top level of the file).
 */
export function fakeModelsForFile() {
  const closing: { close(): Promise<void> | void }[] = [];
  afterAll(async () => {
    for (const c of closing.splice(0)) await c.close();
  });
  const model = async (script: Parameters<typeof startFakeModel>[0]): Promise<FakeModel> => {
    const m = await startFakeModel(script);
    closing.push(m);
    return m;
  };
  return { closing, model };
}
