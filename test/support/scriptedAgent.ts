import type { Behaviour, RecordedRequest } from './fakeHttp';
import { anthropicMessage, toolResultsIn, toolUseMessage, type FakeToolCall } from './fakeAnthropic';

/**
 * A scripted model for the fake Anthropic server: turn 1 asks for `calls`,
 * the next turn answers with `answer(toolResults)`, built from what the tools
 * really returned — so a DM that quotes a tool result proves the result
 * reached the model.
 */
export function scriptedAgent(calls: FakeToolCall[], answer: (results: Array<{ content: string; is_error?: boolean }>) => string) {
  return (request: RecordedRequest): Behaviour => {
    const results = toolResultsIn(request);
    if (results.length === 0) return { kind: 'ok', body: toolUseMessage(calls) };
    return { kind: 'ok', body: anthropicMessage(answer(results)) };
  };
}

interface ProbeStatus {
  probe: string;
  status: string;
  summary?: string;
}

/** The Fly 401 scenario's model: looks at every probe, then blames the credential if the secret store is green. */
export const flyAuthAgent = scriptedAgent([{ name: 'latest_status_all_probes', input: {} }], (results) => {
  const probes = (JSON.parse(results[0]!.content) as { probes: ProbeStatus[] }).probes;
  const doppler = probes.find((p) => p.probe === 'doppler');
  const others = probes.filter((p) => p.probe !== 'fly' && p.status === 'healthy').map((p) => p.probe);
  return (
    `The Fly API rejects the token with HTTP 401 while ${others.join(' and ')} report healthy. ` +
    `Most likely an expired or rotated Fly token, since the credential surface is healthy elsewhere ` +
    `(Doppler probe ${doppler?.status ?? 'unknown'}: ${doppler?.summary ?? 'no result'}).\n` +
    'Next step: mint a new Fly deploy token and update FLY_API_TOKEN in Doppler.'
  );
});

/**
 * A generic scripted model for any wake: asks for every probe's status and
 * this probe's history, then answers by quoting them. It cannot reason; it
 * shows that the tools ran and their results reached the model.
 */
export function surveyingAgent(request: RecordedRequest): Behaviour {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const first = String(messages[0]?.content ?? '');
  const probe = /Probe "([^"]+)"/.exec(first)?.[1] ?? 'unknown';
  const results = toolResultsIn(request);
  if (results.length === 0) {
    return {
      kind: 'ok',
      body: toolUseMessage([
        { name: 'latest_status_all_probes', input: {} },
        { name: 'recent_probe_results', input: { probe, limit: 3 } },
      ]),
    };
  }
  const all = (JSON.parse(results[0]!.content) as { probes: ProbeStatus[] }).probes;
  const own = (JSON.parse(results[1]!.content) as { results: ProbeStatus[] }).results;
  const others = all.filter((p) => p.probe !== probe).map((p) => `${p.probe} ${p.status}`);
  return {
    kind: 'ok',
    body: anthropicMessage(
      `The ${probe} probe's latest results: ${own.map((r) => r.summary ?? r.status).join('; ') || 'none'}. ` +
        `Other probes: ${others.join(', ') || 'none reporting'}.\n` +
        `Next step: (scripted fake model) look at the ${probe} target directly.`,
    ),
  };
}
