// Validates Toolgate's Kubernetes manifests offline: renders each Kustomize overlay (kustomize.mjs), checks every
// object against the Kubernetes OpenAPI schemas bundled in kubernetes-models (ServiceMonitor against the
// prometheus-operator CRD schema) and applies Toolgate's own policy (hardening, probes, resources, references
// between objects). The schemas allow unknown fields, so a misspelled optional field is not caught here.
//
//   node validate.mjs                      render and check k8s/base and every k8s/overlays/* (exit 1 on a problem)
//   node validate.mjs --files a.yaml ...   check the objects in these files only (schema and policy)
//   node validate.mjs --print dev          print the rendered overlay as YAML (for `kubectl apply -f -`)
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { readYaml, render } from './kustomize.mjs';

const K8S_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const MODULES = {
	'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

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
	const problems = [...await objectProblems(objects), ...referenceProblems(objects)];
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
		for (const dir of kustomizations()) {
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
