// Operations: the mesh's services and instances (registry), alerts and silences (monitoring), tasks and their last
// runs (scheduler), config namespaces. A section whose service answers UNIMPLEMENTED says so and the rest work.
// Controls appear only for roles the gateway would let use them.
import { call, get } from '../api.js';
import { h, replace } from '../dom.js';
import { ago } from '../format.js';
import { may } from '../session.js';

export function operationsPage(root, ui) {
  const sections = {
    mesh: section('mesh', 'Services and instances (registry)'),
    policy: section('policy', 'Mesh policy and ACK/NACK per node'),
    alerts: section('alerts', 'Alerts and silences (monitoring)'),
    tasks: section('tasks', 'Tasks and their last runs (scheduler)'),
    config: section('config', 'Config namespaces'),
  };
  replace(root, h('div', { class: 'grid two' }, Object.values(sections).map((s) => s.element)));

  // The policy and each node's ACK/NACK live on the control plane's admin HTTP port, which the gateway does not
  // proxy (it is not a gRPC method), so the console can only point at it.
  replace(sections.policy.body,
    h('p', { class: 'unavailable', id: 'policy-unavailable' },
      'Not reachable through the gateway: the control plane serves its policy and each node\'s ACK/NACK on its admin port '
      + '(`curl http://127.0.0.1:7190/policy`), which is not exposed to users.'));

  const refreshers = [
    () => loadInstances(sections.mesh.body, ui),
    () => loadAlerts(sections.alerts.body, ui),
    () => loadTasks(sections.tasks.body, ui),
  ];
  configSection(sections.config.body, ui);
  const refresh = () => refreshers.forEach((load) => load());
  refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}

function section(id, title) {
  const body = h('div', { id: `${id}-body` }, h('p', { class: 'muted' }, 'loading…'));
  return { element: h('section', { class: 'panel', id: `${id}-section` }, h('h2', {}, title), body), body };
}

/** Shows an error in a section: "not available yet" for UNIMPLEMENTED, the error's words otherwise. */
function failed(body, error) {
  replace(body, h('p', { class: error.unavailableYet ? 'unavailable' : 'error', 'data-unavailable': error.unavailableYet ? 'true' : null }, error.message));
}

async function loadInstances(body, ui) {
  try {
    const { instances = [] } = await get('/v1/registry/instances', { query: { page_size: 500 }, what: 'registry' });
    const table = h('tbody', { id: 'instances' }, instances.map((instance) =>
      h('tr', { 'data-service': instance.service },
        h('td', {}, instance.service),
        h('td', {}, instance.instance_id),
        h('td', {}, h('span', { class: instance.state === 'INSTANCE_STATE_SERVING' ? 'pill ok' : 'pill bad' },
          (instance.state || '').replace('INSTANCE_STATE_', '').toLowerCase())),
        h('td', {}, instance.zone || '—'),
        h('td', {}, instance.version || '—'),
        h('td', { class: 'num' }, instance.weight ?? '—'),
        h('td', {}, ago(instance.last_health_check_time)),
        may('admin')
          ? h('td', {}, h('button', {
            type: 'button', class: 'deregister', 'data-min-role': 'admin',
            onclick: () => act(ui, `deregister ${instance.instance_id}`, () => call('POST',
              `/v1/registry/services/${instance.service}/instances/${encodeURIComponent(instance.instance_id)}:deregister`, { body: {}, what: 'deregister' })),
          }, 'Deregister'))
          : null)));
    const services = new Set(instances.map((i) => i.service));
    replace(body, h('p', { class: 'muted' }, `${services.size} services, ${instances.length} instances`),
      h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['service', 'instance', 'health', 'zone', 'version', 'weight', 'checked'].map((t) => h('th', {}, t)))),
        table)));
  } catch (e) {
    failed(body, e);
  }
}

async function loadAlerts(body, ui) {
  try {
    const [{ alerts = [] }, { silences = [] }] = await Promise.all([
      get('/v1/monitoring/alerts', { query: { include_silenced: true, page_size: 200 }, what: 'alerts' }),
      get('/v1/monitoring/silences', { query: { page_size: 200 }, what: 'silences' }),
    ]);
    replace(body,
      h('p', { class: 'muted' }, `${alerts.length} alerts, ${silences.length} silences`),
      h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['alert', 'state', 'severity', 'since', 'labels'].map((t) => h('th', {}, t)))),
        h('tbody', { id: 'alerts' }, alerts.map((alert) =>
          h('tr', { class: alert.state === 'ALERT_STATE_FIRING' ? 'stale' : '', 'data-alert': alert.alert_id },
            h('td', {}, alert.rule_id || alert.alert_id),
            h('td', {}, (alert.state || '').replace('ALERT_STATE_', '').toLowerCase()),
            h('td', {}, (alert.severity || '').replace('SEVERITY_', '').toLowerCase()),
            h('td', {}, ago(alert.firing_since || alert.active_since)),
            h('td', {}, Object.entries(alert.labels || {}).map(([k, v]) => `${k}=${v}`).join(' ')),
            may('operator')
              ? h('td', {}, h('button', {
                type: 'button', 'data-min-role': 'operator',
                onclick: () => act(ui, 'silence', () => call('POST', '/v1/monitoring/silences', {
                  what: 'silence',
                  body: {
                    matchers: Object.entries(alert.labels || {}).map(([name, value]) => ({ name, value, type: 'MATCH_TYPE_EQUAL' })),
                    end_time: new Date(Date.now() + 3600000).toISOString(),
                    comment: 'silenced for an hour from the console',
                  },
                })),
              }, 'Silence 1 h'))
              : null))))),
      h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['silence', 'state', 'until', 'by', 'comment'].map((t) => h('th', {}, t)))),
        h('tbody', { id: 'silences' }, silences.map((silence) => h('tr', {},
          h('td', {}, silence.silence_id), h('td', {}, (silence.state || '').replace('SILENCE_STATE_', '').toLowerCase()),
          h('td', {}, silence.end_time || '—'), h('td', {}, silence.created_by || '—'), h('td', {}, silence.comment || '')))))));
  } catch (e) {
    failed(body, e);
  }
}

async function loadTasks(body, ui) {
  try {
    const { tasks = [] } = await get('/v1/scheduler/tasks', { query: { page_size: 200 }, what: 'tasks' });
    const control = (task, verb, label) => may('operator')
      ? h('button', {
        type: 'button', 'data-min-role': 'operator',
        onclick: () => act(ui, `${verb} ${task.task_id}`, () => call('POST', `/v1/scheduler/tasks/${encodeURIComponent(task.task_id)}:${verb}`, { body: {}, what: verb })),
      }, label)
      : null;
    replace(body,
      h('p', { class: 'muted' }, `${tasks.length} tasks`),
      h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['task', 'state', 'next', 'last run', 'last result'].map((t) => h('th', {}, t)))),
        h('tbody', { id: 'tasks' }, tasks.map((task) => {
          const run = task.last_run || {};
          return h('tr', { 'data-task': task.task_id },
            h('td', {}, task.task_id),
            h('td', {}, (task.state || '').replace('TASK_STATE_', '').toLowerCase()),
            h('td', {}, task.next_fire_time || '—'),
            h('td', {}, ago(run.start_time || run.fire_time)),
            h('td', { class: run.state === 'RUN_STATE_FAILED' ? 'stale' : '' },
              (run.state || '—').replace('RUN_STATE_', '').toLowerCase(), run.error ? ` — ${run.error.message}` : ''),
            h('td', {}, control(task, 'trigger', 'Run now'),
              task.state === 'TASK_STATE_PAUSED' ? control(task, 'resume', 'Resume') : control(task, 'pause', 'Pause')));
        })))));
  } catch (e) {
    failed(body, e);
  }
}

/** Entries of one namespace; readers see them read-only, operators may change a value. */
function configSection(body, ui) {
  const environment = h('input', { id: 'config-environment', value: 'dev', size: '8', 'aria-label': 'environment' });
  const namespace = h('input', { id: 'config-namespace', value: '', size: '14', placeholder: 'namespace', 'aria-label': 'namespace' });
  const show = h('button', { type: 'button', id: 'config-show' }, 'Show');
  const result = h('div', { id: 'config-entries' }, h('p', { class: 'muted' },
    may('operator') ? 'Pick an environment and a namespace.' : 'Pick an environment and a namespace (read-only for your role).'));
  const load = async () => {
    try {
      const path = `/v1/config/${encodeURIComponent(environment.value)}/${encodeURIComponent(namespace.value)}`;
      const { entries = [] } = await get(path, { query: { page_size: 200 }, what: 'config' });
      replace(result, h('div', { class: 'scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['key', 'value', 'version', 'updated', 'by'].map((t) => h('th', {}, t)))),
        h('tbody', {}, entries.map((entry) => h('tr', {},
          h('td', {}, entry.key), h('td', {}, entry.value_masked ? '•••• (secret)' : entry.value),
          h('td', { class: 'num' }, entry.version), h('td', {}, ago(entry.update_time)), h('td', {}, entry.updated_by || ''),
          may('operator')
            ? h('td', {}, h('button', {
              type: 'button', 'data-min-role': 'operator',
              onclick: async () => {
                const value = window.prompt(`New value of ${entry.key}`, entry.value_masked ? '' : entry.value);
                if (value === null) return;
                await act(ui, `update ${entry.key}`, () => call('PUT', `${path}/${encodeURIComponent(entry.key)}`, {
                  body: { value, expected_version: entry.version }, what: 'config update',
                }));
                load();
              },
            }, 'Edit'))
            : null))))));
    } catch (e) {
      failed(result, e);
    }
  };
  show.addEventListener('click', load);
  replace(body, h('div', { class: 'controls' }, environment, namespace, show), result);
}

async function act(ui, what, action) {
  try {
    await action();
    ui.info(`Done: ${what}.`);
  } catch (e) {
    ui.warn(e.message);
  }
}
