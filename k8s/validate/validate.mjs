// Validates Toolgate's Kubernetes manifests offline: renders each Kustomize overlay (kustomize.mjs), checks every
// object against the Kubernetes OpenAPI schemas bundled in kubernetes-models (PodMonitor and ServiceMonitor against
// the prometheus-operator CRD schemas) and applies Toolgate's own policy (hardening, probes, resources, references
// between objects, a private management port, production mode). The schemas allow unknown fields, so a misspelled
// optional field is not caught here.
//
//   node validate.mjs                      render and check k8s/base and every k8s/overlays/* (exit 1 on a problem)
//   node validate.mjs --dir path ...       render and check these kustomization directories instead
//   node validate.mjs --files a.yaml ...   check the objects in these files only (schema and policy)
//   node validate.mjs --print dev          print the rendered overlay as YAML (for `kubectl apply -f -`)
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { readYaml, render } from './kustomize.mjs';

const K8S_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const MODULES = {
	'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

const MONITORS = { ServiceMonitor: 'endpoints', PodMonitor: 'podMetricsEndpoints' };

// The application's default management.server.port (dispatcher application.yaml), used when the container's
// environment does not set MANAGEMENT_SERVER_PORT.
const DEFAULT_MANAGEMENT_PORT = 9090;

// Pod template label that marks a production overlay's workloads; they must run in production mode.
const ENVIRONMENT_LABEL = 'toolgate.io/environment';

/** Schema problems of one object, as strings; empty when valid. */
export async function schemaProblems(object) {
	if (typeof object?.apiVersion !== 'string' || typeof object?.kind !== 'string') {
		return ['apiVersion and kind are required'];
	}
	let module;
	try {
		module = await import(MODULES[object.apiVersion] ?? `kubernetes-models/${object.apiVersion}`);
	}
	catch {
		return [`unknown apiVersion ${object.apiVersion}`];
	}
	const Model = module[object.kind];
	if (typeof Model !== 'function') {
		return [`unknown kind ${object.kind} in ${object.apiVersion}`];
	}
	const problems = object.metadata?.name ? [] : ['metadata.name is required'];
	try {
		new Model(object).validate();
	}
	catch (error) {
		problems.push(...String(error.message).split(', '));
	}
	return problems;
}

/** Toolgate's policy for workloads and secrets: one object at a time. */
export function policyProblems(object) {
	if (object.kind === 'Secret' && (object.data || object.stringData)) {
		return ['Secret values must not be committed; reference Secrets created outside the repository'];
	}
	if (!WORKLOADS.has(object.kind)) {
		return [];
	}
	const pod = object.spec?.template?.spec ?? {};
	const problems = [];
	if (pod.securityContext?.runAsNonRoot !== true) {
		problems.push('pod securityContext.runAsNonRoot must be true');
	}
	if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
		problems.push('pod securityContext.seccompProfile.type must be RuntimeDefault');
	}
	for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
		problems.push(...containerProblems(container, pod).map((problem) => `container ${container.name}: ${problem}`));
	}
	return problems;
}

function containerProblems(container, pod) {
	const problems = [];
	const security = container.securityContext ?? {};
	if (security.allowPrivilegeEscalation !== false) {
		problems.push('securityContext.allowPrivilegeEscalation must be false');
	}
	if (security.readOnlyRootFilesystem !== true) {
		problems.push('securityContext.readOnlyRootFilesystem must be true');
	}
	if (!(security.capabilities?.drop ?? []).includes('ALL')) {
		problems.push('securityContext.capabilities.drop must include ALL');
	}
	const resources = container.resources ?? {};
	for (const [field, value] of [['requests.cpu', resources.requests?.cpu], ['requests.memory', resources.requests?.memory],
		['limits.memory', resources.limits?.memory]]) {
		if (value === undefined) {
			problems.push(`resources.${field} is required`);
		}
	}
	for (const probe of ['readinessProbe', 'livenessProbe']) {
		if (!container[probe]) {
			problems.push(`${probe} is required`);
		}
	}
	const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
	if (preStop >= (pod.terminationGracePeriodSeconds ?? 30)) {
		problems.push('the preStop sleep must be shorter than terminationGracePeriodSeconds');
	}
	return problems;
}

/** Problems between the objects of one rendered overlay: selectors and references that point nowhere. */
export function referenceProblems(objects) {
	const problems = [];
	const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
	const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
	const selects = (selector) => workloads.some((w) => Object.entries(selector ?? {})
		.every(([key, value]) => w.spec.template.metadata?.labels?.[key] === value));
	for (const object of objects) {
		const id = `${object.kind}/${object.metadata?.name}`;
		if (object.kind === 'Service' && !selects(object.spec?.selector)) {
			problems.push(`${id}: selector matches no workload's pod labels`);
		}
		if (object.kind === 'PodDisruptionBudget' && !selects(object.spec?.selector?.matchLabels)) {
			problems.push(`${id}: selector matches no workload's pod labels`);
		}
		if (object.kind === 'HorizontalPodAutoscaler') {
			const target = object.spec?.scaleTargetRef ?? {};
			if (!named(target.kind, target.name)) {
				problems.push(`${id}: scaleTargetRef ${target.kind}/${target.name} is not in the overlay`);
			}
		}
		if (object.kind === 'ServiceMonitor') {
			problems.push(...serviceMonitorProblems(object, objects).map((problem) => `${id}: ${problem}`));
		}
		if (object.kind === 'PodMonitor') {
			problems.push(...podMonitorProblems(object, workloads).map((problem) => `${id}: ${problem}`));
		}
		if (WORKLOADS.has(object.kind)) {
			for (const name of configMapNames(object.spec.template.spec)) {
				if (!named('ConfigMap', name)) {
					problems.push(`${id}: ConfigMap ${name} is not in the overlay`);
				}
			}
		}
	}
	return problems;
}

function serviceMonitorProblems(monitor, objects) {
	const selector = monitor.spec?.selector?.matchLabels ?? {};
	const services = objects.filter((o) => o.kind === 'Service' && Object.entries(selector)
		.every(([key, value]) => o.metadata?.labels?.[key] === value));
	if (services.length === 0) {
		return ['selector matches no Service labels'];
	}
	const ports = new Set(services.flatMap((service) => service.spec.ports.map((port) => port.name)));
	return (monitor.spec.endpoints ?? []).filter((endpoint) => !ports.has(endpoint.port))
		.map((endpoint) => `endpoint port ${endpoint.port} is not a port of the selected Services`);
}

function podMonitorProblems(monitor, workloads) {
	const selector = monitor.spec?.selector?.matchLabels ?? {};
	const pods = workloads.filter((w) => matches(selector, w.spec.template.metadata?.labels));
	if (pods.length === 0) {
		return ['selector matches no workload\'s pod labels'];
	}
	const ports = new Set(pods.flatMap((w) => w.spec.template.spec.containers
		.flatMap((container) => (container.ports ?? []).map((port) => port.name))));
	return (monitor.spec.podMetricsEndpoints ?? []).filter((endpoint) => !ports.has(endpoint.port))
		.map((endpoint) => `endpoint port ${endpoint.port} is not a named container port of the selected pods`);
}

function matches(selector, labels) {
	return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

/**
 * Toolgate's rules for its gateway container (named toolgate) in one rendered overlay: actuator stays on a private
 * management port, and a production overlay runs in production mode with everything that mode requires.
 */
export function gatewayProblems(objects) {
	const problems = [];
	for (const workload of objects.filter((o) => WORKLOADS.has(o.kind))) {
		const container = (workload.spec.template.spec.containers ?? []).find((c) => c.name === 'toolgate');
		if (!container) {
			continue;
		}
		const id = `${workload.kind}/${workload.metadata?.name}`;
		const env = environment(container, objects);
		problems.push(...managementProblems(workload, container, env, objects).map((problem) => `${id}: ${problem}`));
		problems.push(...productionProblems(workload, env, objects).map((problem) => `${id}: ${problem}`));
	}
	return problems;
}

/** The container's environment as name -> { value, source }, resolving ConfigMaps of the overlay. */
function environment(container, objects) {
	const configMap = (name) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === name);
	const env = new Map();
	for (const from of container.envFrom ?? []) {
		for (const [name, value] of Object.entries(configMap(from.configMapRef?.name)?.data ?? {})) {
			env.set((from.prefix ?? '') + name, { value, source: `ConfigMap ${from.configMapRef.name}` });
		}
	}
	for (const variable of container.env ?? []) {
		const ref = variable.valueFrom?.configMapKeyRef;
		if (ref) {
			env.set(variable.name, { value: configMap(ref.name)?.data?.[ref.key], source: `ConfigMap ${ref.name}`,
				configMapKey: true });
		}
		else if (variable.valueFrom) {
			env.set(variable.name, { value: undefined, source: Object.keys(variable.valueFrom)[0] });
		}
		else {
			env.set(variable.name, { value: variable.value, source: 'value' });
		}
	}
	return env;
}

function managementProblems(workload, container, env, objects) {
	const problems = [];
	const port = Number(env.get('MANAGEMENT_SERVER_PORT')?.value ?? DEFAULT_MANAGEMENT_PORT);
	const named = (container.ports ?? []).find((p) => p.name === 'management');
	if (named?.containerPort !== port) {
		problems.push(`container port 'management' must be the management port ${port} (MANAGEMENT_SERVER_PORT)`);
	}
	const onManagement = (value) => value === 'management' || Number(value) === port;
	for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
		const get = container[probe]?.httpGet;
		if (get && (!onManagement(get.port) || !String(get.path).startsWith('/actuator/health'))) {
			problems.push(`${probe} must check /actuator/health on the management port`);
		}
	}
	const labels = workload.spec.template.metadata?.labels;
	for (const service of objects.filter((o) => o.kind === 'Service' && matches(o.spec?.selector, labels))) {
		if ((service.spec.ports ?? []).some((p) => onManagement(p.targetPort ?? p.port))) {
			problems.push(`Service/${service.metadata.name} must not expose the management port ${port}`);
		}
	}
	const scraped = objects.filter((o) => o.kind === 'PodMonitor' && matches(o.spec?.selector?.matchLabels, labels))
		.flatMap((o) => o.spec.podMetricsEndpoints ?? [])
		.some((endpoint) => onManagement(endpoint.port) && endpoint.path === '/actuator/prometheus');
	if (!scraped) {
		problems.push('no PodMonitor scrapes /actuator/prometheus on the management port');
	}
	const annotations = workload.spec.template.metadata?.annotations ?? {};
	if (annotations['prometheus.io/scrape'] === 'true' && Number(annotations['prometheus.io/port']) !== port) {
		problems.push(`annotation prometheus.io/port must be the management port ${port}`);
	}
	return problems;
}

function productionProblems(workload, env, objects) {
	const mode = env.get('TOOLGATE_MODE')?.value;
	const production = workload.spec.template.metadata?.labels?.[ENVIRONMENT_LABEL] === 'prod';
	if (production && mode !== 'production') {
		return [`a prod workload must set TOOLGATE_MODE=production, not ${mode ?? 'nothing (demo mode)'}`];
	}
	if (mode !== 'production') {
		return [];
	}
	const problems = [];
	const upstream = env.get('TOOLGATE_UPSTREAM_BASE_URL');
	let url;
	try {
		url = upstream?.configMapKey && upstream.value ? new URL(upstream.value) : undefined;
	}
	catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol)) {
		problems.push('production mode needs TOOLGATE_UPSTREAM_BASE_URL from a ConfigMap key in the overlay holding '
			+ `an http(s) URL; found ${upstream ? `${upstream.source}: ${upstream.value}` : 'nothing'}`);
	}
	else {
		problems.push(...upstreamEgressProblems(workload, url, objects));
	}
	const scale = Math.max(workload.spec.replicas ?? 1, ...objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'
		&& o.spec?.scaleTargetRef?.name === workload.metadata?.name).map((hpa) => hpa.spec.maxReplicas ?? 1));
	const declared = Number(env.get('TOOLGATE_REPLICAS')?.value ?? 1);
	if (!(declared >= scale)) {
		problems.push(`TOOLGATE_REPLICAS (${env.get('TOOLGATE_REPLICAS')?.value ?? 'unset, so 1'}) must be at least `
			+ `the most replicas that can run (${scale}), or production mode cannot tell it needs Redis`);
	}
	if (Math.max(scale, declared) > 1 && !env.has('REDIS_URL')) {
		problems.push('more than one replica needs REDIS_URL');
	}
	return problems;
}

/**
 * Some NetworkPolicy must let the gateway reach the upstream: a pod or namespace selector for an in-cluster host
 * (a bare service name, or one under .svc: service.namespace.svc[.cluster.local]), an ipBlock otherwise.
 */
function upstreamEgressProblems(workload, url, objects) {
	const host = url.hostname;
	const inCluster = !host.includes('.') || host.endsWith('.svc') || host.includes('.svc.')
		|| host.endsWith('.cluster.local');
	const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
	const labels = workload.spec.template.metadata?.labels;
	const allowed = objects.filter((o) => o.kind === 'NetworkPolicy' && matches(o.spec?.podSelector?.matchLabels, labels))
		.flatMap((policy) => policy.spec.egress ?? [])
		.some((rule) => (rule.ports ?? [{}]).some((p) => p.port === undefined || p.port === port)
			&& (rule.to ?? []).some((peer) => (inCluster ? (peer.podSelector || peer.namespaceSelector) : peer.ipBlock)));
	return allowed ? [] : [`no NetworkPolicy allows egress to the upstream ${host}:${port} (`
		+ (inCluster ? 'an in-cluster model server: see overlays/prod/model-server-networkpolicy.yaml)'
			: 'outside the cluster: an ipBlock rule)')];
}

function configMapNames(pod) {
	const names = (pod.volumes ?? []).filter((volume) => volume.configMap).map((volume) => volume.configMap.name);
	for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
		names.push(...(container.envFrom ?? []).filter((from) => from.configMapRef).map((from) => from.configMapRef.name));
		names.push(...(container.env ?? []).filter((env) => env.valueFrom?.configMapKeyRef)
			.map((env) => env.valueFrom.configMapKeyRef.name));
	}
	return names;
}

/** All problems of a list of objects, each prefixed with the object's kind and name. */
export async function objectProblems(objects) {
	const problems = [];
	for (const object of objects) {
		const id = `${object?.kind}/${object?.metadata?.name}`;
		for (const problem of [...await schemaProblems(object), ...policyProblems(object)]) {
			problems.push(`${id}: ${problem}`);
		}
	}
	return problems;
}

/** The directories checked by default: the base and every overlay. */
export function kustomizations() {
	const overlays = join(K8S_DIR, 'overlays');
	return [join(K8S_DIR, 'base'), ...readdirSync(overlays).sort().map((name) => join(overlays, name))];
}

/** Renders a kustomization and returns its objects and problems. */
export async function check(dir) {
	const objects = render(dir);
	const problems = [...await objectProblems(objects), ...referenceProblems(objects), ...gatewayProblems(objects)];
	if (dir.includes('overlays')) {
		problems.push(...objects.filter((o) => o.kind !== 'Namespace' && !o.metadata?.namespace)
			.map((o) => `${o.kind}/${o.metadata?.name}: an overlay must set the namespace`));
	}
	return { objects, problems };
}

async function main(args) {
	if (args[0] === '--print') {
		process.stdout.write(render(join(K8S_DIR, 'overlays', args[1])).map((o) => dump(o, { noRefs: true })).join('---\n'));
		return 0;
	}
	let failed = 0;
	if (args[0] === '--files') {
		for (const file of args.slice(1)) {
			const problems = await objectProblems(readYaml(file));
			report(file, readYaml(file).length, problems);
			failed += problems.length;
		}
	}
	else {
		for (const dir of args[0] === '--dir' ? args.slice(1).map((path) => resolve(path)) : kustomizations()) {
			const { objects, problems } = await check(dir);
			report(relative(K8S_DIR, dir), objects.length, problems);
			failed += problems.length;
		}
	}
	return failed === 0 ? 0 : 1;
}

function report(name, count, problems) {
	if (problems.length === 0) {
		console.log(`ok ${name}: ${count} objects valid`);
		return;
	}
	console.log(`FAIL ${name}: ${problems.length} problems`);
	for (const problem of problems) {
		console.log(`  ${problem}`);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	try {
		process.exitCode = await main(process.argv.slice(2));
	}
	catch (error) {
		console.error(`FAIL ${error.message}`);
		process.exitCode = 2;
	}
}
