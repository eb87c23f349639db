#!/usr/bin/env node
// Offline check of the k8s/ manifests: renders every overlay with kustomize and validates what it produced.
//
//   1. schema: each core resource against the Kubernetes OpenAPI schema (npm kubernetes-models), the ServiceMonitor
//      and the PrometheusRule against the Prometheus Operator schema (npm @kubernetes-models/prometheus-operator);
//   2. contract: the facts the hub relies on (QUARKUS_PROFILE=prod, ports http/jolokia, probes, read-only root,
//      references between resources, Strimzi topics (those of the topic catalog hub/src/main/resources/topics.yaml),
//      a Secret key for every env:NAME in config/prod/sources.yaml);
//   3. data: the ConfigMaps of routes/ and mappings/ carry every file of those folders, mounted at their paths.
//
// No cluster is needed. The npm packages live outside the repository (see k8s/README.md):
//   npm install --prefix /tmp/k8s-validate kubernetes-models @kubernetes-models/prometheus-operator yaml
//   node k8s/validate.mjs            # or K8S_VALIDATE_DEPS=/other/dir node k8s/validate.mjs
// The overlays are rendered from a temporary copy of k8s/ in which each secrets.env is secrets.example.env: real
// secrets are neither copied nor read, and the repository is never written to.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const k8sDir = dirname(fileURLToPath(import.meta.url));
const repoDir = dirname(k8sDir);
const depsDir = process.env.K8S_VALIDATE_DEPS || '/tmp/k8s-validate';
const modules = join(depsDir, 'node_modules');
if (!existsSync(join(modules, 'kubernetes-models'))) {
  console.error(`kubernetes-models not found under ${modules}: see k8s/README.md ("Validating offline")`);
  process.exit(2);
}
const YAML = createRequire(join(modules, 'noop.js'))('yaml');
const model = async (rel, name) => (await import(pathToFileURL(join(modules, rel)).href))[name];

const models = {
  'v1/ServiceAccount': await model('kubernetes-models/v1/ServiceAccount.js', 'ServiceAccount'),
  'v1/ConfigMap': await model('kubernetes-models/v1/ConfigMap.js', 'ConfigMap'),
  'v1/Secret': await model('kubernetes-models/v1/Secret.js', 'Secret'),
  'v1/Service': await model('kubernetes-models/v1/Service.js', 'Service'),
  'apps/v1/Deployment': await model('kubernetes-models/apps/v1/Deployment.js', 'Deployment'),
  'policy/v1/PodDisruptionBudget': await model('kubernetes-models/policy/v1/PodDisruptionBudget.js', 'PodDisruptionBudget'),
  'networking.k8s.io/v1/Ingress': await model('kubernetes-models/networking.k8s.io/v1/Ingress.js', 'Ingress'),
  'networking.k8s.io/v1/NetworkPolicy': await model('kubernetes-models/networking.k8s.io/v1/NetworkPolicy.js', 'NetworkPolicy'),
  'autoscaling/v2/HorizontalPodAutoscaler': await model(
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler.js', 'HorizontalPodAutoscaler'),
  'monitoring.coreos.com/v1/ServiceMonitor': await model(
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js', 'ServiceMonitor'),
  'monitoring.coreos.com/v1/PrometheusRule': await model(
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule.js', 'PrometheusRule'),
};

// What each overlay must and must not render.
const expectations = {
  dev: { replicas: 1, pdb: false, hpa: false, serviceMonitor: false, topicReplicas: 1 },
  prod: { replicas: undefined, pdb: true, hpa: true, serviceMonitor: true, topicReplicas: 3 },
};
// The topic catalog (hub/src/main/resources/topics.yaml) is the one source of the hub's topics: name -> retention.ms.
const isoDurationMs = (text) => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m) throw new Error(`topics.yaml: retention ${text} is not an ISO-8601 duration of days/hours/minutes/seconds`);
  const [d, h, min, sec] = m.slice(1).map((v) => Number(v || 0));
  return (((d * 24 + h) * 60 + min) * 60 + sec) * 1000;
};
const catalog = YAML.parse(readFileSync(join(repoDir, 'hub/src/main/resources/topics.yaml'), 'utf8'));
const hubTopics = Object.fromEntries(Object.values(catalog).flat().map((t) => [t.name, isoDurationMs(t.retention)]));
const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function kustomize(dir) {
  const opts = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
  try {
    return execFileSync('kustomize', ['build', dir], opts);
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(e.stderr || e.message);
  }
  try {
    return execFileSync('kubectl', ['kustomize', dir], opts);
  } catch (e) {
    throw new Error(e.code === 'ENOENT' ? 'neither kustomize nor kubectl is on the PATH' : e.stderr || e.message);
  }
}

// The data files bin/k8s-data puts in a folder's ConfigMap: YAML and JSON, except the kustomization itself.
function dataFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) => {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) return dataFiles(dir, rel);
    return /\.(yaml|json)$/.test(d.name) && rel !== 'kustomization.yaml' ? [rel] : [];
  }).sort();
}

function sourceSecretNames() {
  const sources = YAML.parse(readFileSync(join(repoDir, 'config/prod/sources.yaml'), 'utf8'));
  return sources.sources.flatMap((s) => s.secrets).filter((s) => s.startsWith('env:')).map((s) => s.slice(4));
}

function checkOverlay(name, docs, expect, fail) {
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  const one = (kind) => {
    const found = byKind(kind);
    if (found.length !== 1) fail(`expected one ${kind}, found ${found.length}`);
    return found[0];
  };

  // 1. schema
  for (const doc of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const Model = models[key];
    if (Model) {
      try {
        new Model(doc).validate();
      } catch (e) {
        fail(`${key} ${doc.metadata?.name}: ${e.message}`);
      }
    } else if (doc.kind !== 'KafkaTopic' && doc.kind !== 'KafkaUser') {
      fail(`${key} ${doc.metadata?.name}: no schema to validate it against`);
    }
  }

  // 2. contract
  const deployment = one('Deployment');
  const configMaps = byKind('ConfigMap');
  const config = configMaps.find((c) => c.metadata.name.startsWith('meterbridge-config'));
  if (!config) fail('no ConfigMap meterbridge-config');
  const secret = one('Secret');
  const service = one('Service');
  if (!deployment || !config || !secret || !service) return;
  const pod = deployment.spec.template;
  const container = pod.spec.containers.find((c) => c.name === 'meterbridge');
  if (!container) return fail('no container named meterbridge');
  const env = Object.fromEntries((container.env || []).map((e) => [e.name, e.value]));
  if (env.QUARKUS_PROFILE !== 'prod') fail('QUARKUS_PROFILE must be prod (else the image starts embedded engines)');
  if (deployment.spec.replicas !== expect.replicas) {
    fail(`replicas ${deployment.spec.replicas}, expected ${expect.replicas}`);
  }
  const ports = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
  if (ports.http !== 8080) fail('container port "http" must be 8080');
  if (ports.management !== 9000) fail('container port "management" must be 9000 (health and metrics)');
  if (ports.jolokia !== 8778) fail('container port "jolokia" must be 8778 (Hawtio Online discovers pods by it)');
  if (pod.metadata.annotations?.['hawt.io/protocol'] !== 'http') fail('pod annotation hawt.io/protocol: http missing');
  const probes = {
    startupProbe: '/q/health/started', livenessProbe: '/q/health/live', readinessProbe: '/q/health/ready',
  };
  for (const [probe, path] of Object.entries(probes)) {
    if (container[probe]?.httpGet?.path !== path) fail(`${probe} must GET ${path}`);
    if (container[probe]?.httpGet?.port !== 'management') fail(`${probe} must use the management port`);
  }
  if (pod.spec.securityContext?.runAsNonRoot !== true) fail('pod must run as non-root');
  if (container.securityContext?.readOnlyRootFilesystem !== true) fail('root filesystem must be read-only');
  const tmp = (container.volumeMounts || []).find((m) => m.mountPath === '/tmp');
  if (!tmp || !pod.spec.volumes?.find((v) => v.name === tmp.name && v.emptyDir)) fail('/tmp must be an emptyDir');
  const refs = (container.envFrom || []).map((e) => e.configMapRef?.name || e.secretRef?.name);
  if (!refs.includes(config.metadata.name)) fail(`envFrom does not reference ConfigMap ${config.metadata.name}`);
  if (!refs.includes(secret.metadata.name)) fail(`envFrom does not reference Secret ${secret.metadata.name}`);
  if (!secret.metadata.name.startsWith('meterbridge-secrets')) fail('the Secret must be meterbridge-secrets');

  const settings = config.data || {};
  const wanted = {
    HUB_TOPICS_PROVISION: 'false', HUB_ROUTES_DIR: '/deployments/routes', HUB_MAPPINGS_DIR: '/deployments/mappings',
    HUB_SOURCES_FILES: '/deployments/config/prod/sources.yaml',
  };
  for (const [key, value] of Object.entries(wanted)) {
    if (settings[key] !== value) fail(`ConfigMap ${key} is ${settings[key]}, expected ${value}`);
  }
  for (const key of ['KAFKA_BOOTSTRAP_SERVERS', 'HUB_DB_URL', 'HUB_DB_USER', 'HUB_JOLOKIA_USER', 'HUB_CRM_BASE_URL',
    'HUB_CHARGEBEE_BASE_URL', 'HUB_OIDC_AUTH_SERVER_URL']) {
    if (!settings[key]) fail(`ConfigMap lacks ${key}`);
  }
  if (settings.HUB_DB_URL && !settings.HUB_DB_URL.startsWith('jdbc:postgresql://')) fail('HUB_DB_URL is no JDBC URL');
  const secretKeys = Object.keys({ ...secret.data, ...secret.stringData });
  // The %prod variables of application.properties without a default. The ERPs' (HUB_NETSUITE_*, HUB_BC_*) have
  // defaults: a hub that posts to no NetSuite or BC needs none of them.
  const required = ['HUB_DB_PASSWORD', 'HUB_PII_TOKEN_KEY', 'HUB_JOLOKIA_PASSWORD', 'HUB_SOURCE_SECRETS_KEY',
    'HUB_CRM_ACCESS_TOKEN', 'HUB_STRIPE_API_KEY', 'HUB_CHARGEBEE_API_KEY',
    'HUB_STRIPE_WEBHOOK_SECRET', 'HUB_CHARGEBEE_WEBHOOK_PASSWORD', ...sourceSecretNames()];
  for (const key of required) if (!secretKeys.includes(key)) fail(`Secret lacks ${key}`);
  for (const key of secretKeys) if (settings[key] !== undefined) fail(`${key} is in both the ConfigMap and the Secret`);

  const podLabels = pod.metadata.labels;
  const matches = (selector) => Object.entries(selector || {}).every(([k, v]) => podLabels[k] === v);
  if (!matches(deployment.spec.selector.matchLabels)) fail('Deployment selector does not match its pods');
  if (!matches(service.spec.selector)) fail('Service selector does not match the pods');
  if (!service.spec.ports.some((p) => p.name === 'http' && p.port === 8080)) fail('Service needs port http 8080');
  if (pod.spec.serviceAccountName && !byKind('ServiceAccount').some((s) => s.metadata.name === pod.spec.serviceAccountName)) {
    fail(`ServiceAccount ${pod.spec.serviceAccountName} is not rendered`);
  }

  const pdbs = byKind('PodDisruptionBudget');
  if (pdbs.length !== (expect.pdb ? 1 : 0)) fail(`${pdbs.length} PodDisruptionBudgets, expected ${expect.pdb ? 1 : 0}`);
  for (const pdb of pdbs) {
    if (pdb.spec.minAvailable !== 1) fail('PodDisruptionBudget minAvailable must be 1');
    if (!matches(pdb.spec.selector.matchLabels)) fail('PodDisruptionBudget selector does not match the pods');
  }
  const hpas = byKind('HorizontalPodAutoscaler');
  if (hpas.length !== (expect.hpa ? 1 : 0)) fail(`${hpas.length} HorizontalPodAutoscalers, expected ${expect.hpa ? 1 : 0}`);
  for (const hpa of hpas) {
    if (hpa.spec.scaleTargetRef.name !== deployment.metadata.name) fail('HPA does not target the Deployment');
  }
  const monitors = byKind('ServiceMonitor');
  if (monitors.length !== (expect.serviceMonitor ? 1 : 0)) fail(`${monitors.length} ServiceMonitors`);
  // The alerts and the Grafana dashboard come with the ServiceMonitor (components/monitoring).
  const rules = byKind('PrometheusRule');
  if (rules.length !== (expect.serviceMonitor ? 1 : 0)) fail(`${rules.length} PrometheusRules`);
  for (const rule of rules) {
    const alerts = rule.spec.groups.flatMap((g) => g.rules || []);
    if (alerts.length === 0) fail(`PrometheusRule ${rule.metadata.name} has no rules`);
    for (const alert of alerts) {
      if (!alert.alert || !String(alert.expr || '').trim()) fail(`PrometheusRule: a rule without alert name or expr`);
      if (!['critical', 'warning', 'info'].includes(alert.labels?.severity)) {
        fail(`alert ${alert.alert}: labels.severity must be critical, warning or info`);
      }
    }
  }
  const dashboards = configMaps.filter((c) => c.metadata.labels?.grafana_dashboard === '1');
  if (dashboards.length !== (expect.serviceMonitor ? 1 : 0)) fail(`${dashboards.length} Grafana dashboard ConfigMaps`);
  for (const map of dashboards) {
    for (const [key, text] of Object.entries(map.data || {})) {
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (e) {
        fail(`dashboard ${key}: not JSON (${e.message})`);
        continue;
      }
      const targets = (dashboard.panels || []).flatMap((p) => p.targets || []);
      if (!dashboard.uid || targets.length === 0 || targets.some((t) => !String(t.expr || '').trim())) {
        fail(`dashboard ${key}: needs a uid and panels whose every target has an expr`);
      }
    }
  }
  for (const monitor of monitors) {
    if (!Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => service.metadata.labels?.[k] === v)) {
      fail('ServiceMonitor selector does not match the Service');
    }
    if (!monitor.spec.endpoints.some((e) => e.port === 'management' && e.path === '/q/metrics')) {
      fail('ServiceMonitor must scrape management /q/metrics');
    }
  }

  const topics = byKind('KafkaTopic');
  const seen = new Set();
  for (const topic of topics) {
    const { metadata: md, spec } = topic;
    const label = `KafkaTopic ${md.name}`;
    if (topic.apiVersion !== 'kafka.strimzi.io/v1') fail(`${label}: apiVersion must be kafka.strimzi.io/v1`);
    if (!dns1123.test(md.name) || md.name.length > 253) fail(`${label}: metadata.name is no DNS name`);
    if (md.labels?.['strimzi.io/cluster'] !== 'meterbridge-kafka') fail(`${label}: strimzi.io/cluster label`);
    if (!(spec.topicName in hubTopics)) fail(`${label}: unknown topicName ${spec.topicName}`);
    seen.add(spec.topicName);
    if (spec.partitions !== 6) fail(`${label}: partitions ${spec.partitions}`);
    if (spec.replicas !== expect.topicReplicas) fail(`${label}: replicas ${spec.replicas}`);
    const c = spec.config || {};
    if (Number(c['retention.ms']) !== hubTopics[spec.topicName]) fail(`${label}: retention.ms ${c['retention.ms']}`);
    if (c['cleanup.policy'] !== 'delete') fail(`${label}: cleanup.policy`);
    const minIsr = Number(c['min.insync.replicas']);
    if (!(minIsr >= 1 && minIsr <= spec.replicas && minIsr === Math.min(2, spec.replicas))) {
      fail(`${label}: min.insync.replicas ${minIsr} with ${spec.replicas} replicas`);
    }
  }
  for (const t of Object.keys(hubTopics)) if (!seen.has(t)) fail(`no KafkaTopic for ${t}`);

  // 3. routes and mappings as data: one ConfigMap each, generated from the repository's folders (content hash in the
  // name, so a change rolls the pods), mounted file by file where the image keeps its default set.
  for (const [folder, mountPath] of [['routes', '/deployments/routes'], ['mappings', '/deployments/mappings']]) {
    const cm = configMaps.find((c) => new RegExp(`^meterbridge-${folder}-[a-z0-9]{10}$`).test(c.metadata.name));
    if (!cm) {
      fail(`no ConfigMap meterbridge-${folder}-<hash> generated from ${folder}/`);
      continue;
    }
    const files = dataFiles(join(repoDir, folder));
    const keys = Object.keys(cm.data || {});
    for (const file of files) {
      const key = file.replaceAll('/', '__');
      if (!(key in (cm.data || {}))) fail(`${cm.metadata.name} lacks ${folder}/${file} (run bin/k8s-data)`);
      else if (cm.data[key] !== readFileSync(join(repoDir, folder, file), 'utf8')) fail(`${cm.metadata.name}: ${key} differs from ${folder}/${file}`);
    }
    for (const key of keys) if (!files.includes(key.replaceAll('__', '/'))) fail(`${cm.metadata.name}: ${key} is no file of ${folder}/ (run bin/k8s-data)`);
    const volume = (pod.spec.volumes || []).find((v) => v.configMap?.name === cm.metadata.name);
    if (!volume) {
      fail(`no volume of ConfigMap ${cm.metadata.name}`);
      continue;
    }
    const mount = (container.volumeMounts || []).find((m) => m.name === volume.name);
    if (mount?.mountPath !== mountPath || mount?.readOnly !== true) fail(`${folder} must be mounted read-only at ${mountPath}`);
    const items = Object.fromEntries((volume.configMap.items || []).map((i) => [i.key, i.path]));
    for (const file of files) {
      if (items[file.replaceAll('/', '__')] !== file) fail(`volume ${volume.name} does not mount ${file} at its path (run bin/k8s-data)`);
    }
    if (Object.keys(items).length !== files.length) fail(`volume ${volume.name} mounts ${Object.keys(items).length} items, ${folder}/ has ${files.length} files`);
  }
  if (configMaps.some((c) => c.metadata.name.startsWith('meterbridge-mappings') && Object.keys(c.data || {}).some((k) => /demo/.test(k)))) {
    fail('the mappings ConfigMap carries demo data (it belongs in devrun/demo)');
  }

  checkTrustBoundaries(docs, { pod, container, env, settings, service, secretKeys }, fail);

  const namespaces = new Set(docs.map((d) => d.metadata?.namespace));
  if (namespaces.size !== 1 || namespaces.has(undefined)) fail(`resources span namespaces ${[...namespaces]}`);
}

// Issue 14: what is exposed, who may connect, how the hub authenticates to Kafka and what its Kafka user may do.
function checkTrustBoundaries(docs, { pod, container, env, settings, service, secretKeys }, fail) {
  const byKind = (kind) => docs.filter((d) => d.kind === kind);
  // Jolokia stays on the pod's loopback (kubectl port-forward): nothing may bind it to the pod network.
  const jolokiaHost = env.HUB_JOLOKIA_HOST ?? settings.HUB_JOLOKIA_HOST;
  if (jolokiaHost !== undefined && jolokiaHost !== '127.0.0.1') fail(`HUB_JOLOKIA_HOST ${jolokiaHost}: Jolokia must stay on loopback`);
  if (service.spec.ports.some((p) => p.targetPort === 'jolokia' || p.port === 8778)) fail('the Service must not publish Jolokia');
  if (!service.spec.ports.some((p) => p.name === 'management' && p.port === 9000)) fail('Service needs port management 9000');

  const ingresses = byKind('Ingress');
  if (ingresses.length !== 1) fail(`expected one Ingress, found ${ingresses.length}`);
  const exposed = new Set(['/api/v1/events', '/api/v1/webhooks/stripe', '/api/v1/webhooks/chargebee']);
  for (const ingress of ingresses) {
    const paths = (ingress.spec.rules || []).flatMap((r) => r.http?.paths || []);
    if (ingress.spec.defaultBackend) fail('the Ingress must have no default backend');
    if (!(ingress.spec.tls || []).length) fail('the Ingress must terminate TLS');
    for (const p of paths) {
      if (!exposed.has(p.path) || p.pathType !== 'Exact') fail(`the Ingress exposes ${p.pathType} ${p.path}`);
      if (p.backend.service?.name !== service.metadata.name || p.backend.service?.port?.name !== 'http') {
        fail(`Ingress path ${p.path} must go to the Service's http port`);
      }
    }
    for (const path of exposed) if (!paths.some((p) => p.path === path)) fail(`the Ingress does not expose ${path}`);
  }

  const policies = byKind('NetworkPolicy');
  const podLabels = pod.metadata.labels;
  const selects = (np) => Object.entries(np.spec.podSelector?.matchLabels || {}).every(([k, v]) => podLabels[k] === v);
  const policy = policies.find(selects);
  if (!policy) fail('no NetworkPolicy selects the hub pods');
  else {
    if (!(policy.spec.policyTypes || []).includes('Ingress')) fail('the NetworkPolicy must restrict Ingress');
    for (const rule of policy.spec.ingress || []) {
      if (!rule.ports?.length) fail('a NetworkPolicy rule opens every port');
      if (!rule.from?.length) fail('a NetworkPolicy rule admits every source');
      for (const port of rule.ports || []) {
        if (!['http', 'management'].includes(port.port)) fail(`the NetworkPolicy opens port ${port.port}`);
      }
    }
  }

  // Kafka: authenticated and encrypted, as a KafkaUser whose ACLs cover only the hub's topics and groups.
  if (settings.HUB_KAFKA_SECURITY_PROTOCOL !== 'SASL_SSL') fail('HUB_KAFKA_SECURITY_PROTOCOL must be SASL_SSL');
  if (!/:9093$/.test(settings.KAFKA_BOOTSTRAP_SERVERS || '')) fail('KAFKA_BOOTSTRAP_SERVERS must be the TLS listener (9093)');
  const fromSecret = (name) => (container.env || []).find((e) => e.name === name)?.valueFrom?.secretKeyRef;
  if (fromSecret('HUB_KAFKA_PASSWORD')?.name !== settings.HUB_KAFKA_USERNAME) {
    fail('HUB_KAFKA_PASSWORD must come from the KafkaUser Secret named HUB_KAFKA_USERNAME');
  }
  if (!fromSecret('HUB_KAFKA_TRUSTSTORE_PASSWORD')) fail('HUB_KAFKA_TRUSTSTORE_PASSWORD must come from the cluster CA Secret');
  const users = byKind('KafkaUser');
  const hub = users.find((u) => u.metadata.name === settings.HUB_KAFKA_USERNAME);
  if (!hub) return fail(`no KafkaUser ${settings.HUB_KAFKA_USERNAME}`);
  for (const user of users) {
    if (user.apiVersion !== 'kafka.strimzi.io/v1') fail(`KafkaUser ${user.metadata.name}: apiVersion must be kafka.strimzi.io/v1`);
    if (user.metadata.labels?.['strimzi.io/cluster'] !== 'meterbridge-kafka') fail(`KafkaUser ${user.metadata.name}: cluster label`);
    if (!['scram-sha-512', 'tls'].includes(user.spec.authentication?.type)) fail(`KafkaUser ${user.metadata.name}: authentication`);
    if (user.spec.authorization?.type !== 'simple') fail(`KafkaUser ${user.metadata.name}: authorization must be simple (ACLs)`);
    for (const acl of user.spec.authorization?.acls || []) {
      if (acl.resource.patternType !== 'literal' || acl.resource.name === '*') fail(`KafkaUser ${user.metadata.name}: ACLs must name resources`);
      if (acl.resource.type === 'topic' && !(acl.resource.name in hubTopics)) fail(`KafkaUser ${user.metadata.name}: topic ${acl.resource.name}`);
      if ((acl.operations || []).some((o) => ['All', 'Alter', 'Delete', 'AlterConfigs'].includes(o))) {
        fail(`KafkaUser ${user.metadata.name}: ${acl.operations} on ${acl.resource.name}`);
      }
      if (user !== hub && acl.resource.type === 'topic' && acl.operations.includes('Read')) {
        fail(`KafkaUser ${user.metadata.name} may read ${acl.resource.name}: only the hub reads`);
      }
    }
  }
  const acls = hub.spec.authorization?.acls || [];
  const ops = (type, name) => acls.filter((a) => a.resource.type === type && a.resource.name === name).flatMap((a) => a.operations);
  for (const topic of Object.keys(hubTopics)) if (!ops('topic', topic).length) fail(`the hub's KafkaUser has no ACL on ${topic}`);
  if (ops('topic', 'meterbridge.events.raw').includes('Write')) fail('the hub does not write the raw topic');
  for (const group of ['meterbridge-ingest', 'meterbridge-metering', 'meterbridge-billing-sync', 'meterbridge-erp-sync']) {
    if (!ops('group', group).includes('Read')) fail(`the hub's KafkaUser cannot use group ${group}`);
  }
  if (acls.some((a) => a.resource.type === 'cluster')) fail("the hub's KafkaUser needs no cluster ACL");
  if (!secretKeys.includes('HUB_SOURCE_SECRETS_KEY')) fail('Secret lacks HUB_SOURCE_SECRETS_KEY');
}

const overlays = readdirSync(join(k8sDir, 'overlays'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const work = mkdtempSync(join(tmpdir(), 'meterbridge-k8s-'));
let failures = 0;
let passed = 0;
try {
  cpSync(k8sDir, join(work, 'k8s'), { recursive: true, filter: (src) => basename(src) !== 'secrets.env' });
  // k8s/base renders routes/ and mappings/ into ConfigMaps: they come along, as they are.
  for (const folder of ['routes', 'mappings']) cpSync(join(repoDir, folder), join(work, folder), { recursive: true });
  for (const name of overlays) {
    const dir = join(work, 'k8s', 'overlays', name);
    if (existsSync(join(dir, 'secrets.example.env'))) {
      cpSync(join(dir, 'secrets.example.env'), join(dir, 'secrets.env'));
    }
    const errors = [];
    const fail = (msg) => errors.push(msg);
    try {
      const docs = YAML.parseAllDocuments(kustomize(dir)).map((d) => d.toJS()).filter(Boolean);
      const expect = expectations[name];
      if (!expect) fail(`no expectations written for overlay ${name} in validate.mjs`);
      else checkOverlay(name, docs, expect, fail);
      if (errors.length === 0) console.log(`ok ${name}: ${docs.map((d) => d.kind).join(', ')}`);
    } catch (e) {
      fail(`render failed: ${e.message.trim()}`);
    }
    for (const msg of errors) console.log(`FAIL ${name}: ${msg}`);
    if (errors.length) failures++;
    else passed++;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
