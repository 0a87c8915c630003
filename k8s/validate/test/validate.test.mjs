import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readYaml } from '../kustomize.mjs';
import { check, kustomizations, objectProblems } from '../validate.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const INVALID = join(FIXTURES, 'invalid');
const GATEWAY = join(FIXTURES, 'gateway');

function env(objects, name) {
	const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'toolgate');
	return deployment.spec.template.spec.containers.find((c) => c.name === 'toolgate').env.find((e) => e.name === name);
}

async function problemsOf(fixture) {
	return (await check(join(GATEWAY, fixture))).problems;
}

test('everyOverlayRendersToValidObjects', async () => {
	const dirs = kustomizations();
	assert.ok(dirs.some((dir) => dir.endsWith(join('overlays', 'dev'))));
	assert.ok(dirs.some((dir) => dir.endsWith(join('overlays', 'prod'))));
	for (const dir of dirs) {
		const { objects, problems } = await check(dir);
		assert.deepEqual(problems, [], dir);
		assert.ok(objects.length > 5, dir);
	}
});

test('overlaysContainEveryOperationalObject', async () => {
	for (const dir of kustomizations().filter((d) => d.includes('overlays'))) {
		const kinds = new Set((await check(dir)).objects.map((o) => o.kind));
		for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap',
			'NetworkPolicy', 'PodMonitor']) {
			assert.ok(kinds.has(kind), `${dir} lacks a ${kind}`);
		}
	}
});

test('rejectsBrokenDeployment', async () => {
	const problems = await objectProblems(readYaml(join(INVALID, 'deployment.yaml')));
	assert.ok(problems.includes('Deployment/broken: data/spec/replicas must be integer'), problems.join('\n'));
	assert.ok(problems.some((p) => p.includes('containers/0 must have required property name')), problems.join('\n'));
	assert.ok(problems.some((p) => p.includes('runAsNonRoot must be true')), problems.join('\n'));
	assert.ok(problems.some((p) => p.includes('readOnlyRootFilesystem must be true')), problems.join('\n'));
});

test('rejectsUnknownKindsWrongTypesAndCommittedSecrets', async () => {
	const problems = await objectProblems(readYaml(join(INVALID, 'objects.yaml')));
	assert.ok(problems.includes('Deploymint/typo: unknown kind Deploymint in apps/v1'), problems.join('\n'));
	assert.ok(problems.some((p) => p.startsWith('Service/bad-port:') && p.includes('port')), problems.join('\n'));
	assert.ok(problems.some((p) => p.startsWith('Secret/leaked: Secret values must not be committed')), problems.join('\n'));
	assert.ok(problems.some((p) => p.startsWith('ServiceMonitor/bad-monitor:') && p.includes('endpoints')), problems.join('\n'));
});

test('prodOverlayRunsInProductionModeWithTheUpstreamFromAConfigMap', async () => {
	const prod = kustomizations().find((dir) => dir.endsWith(join('overlays', 'prod')));
	const { objects, problems } = await check(prod);
	assert.deepEqual(problems, []);
	assert.deepEqual(env(objects, 'TOOLGATE_MODE'), { name: 'TOOLGATE_MODE', value: 'production' });
	const ref = env(objects, 'TOOLGATE_UPSTREAM_BASE_URL').valueFrom.configMapKeyRef;
	const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name);
	assert.match(configMap.data[ref.key], /^https?:\/\//);
});

test('servicesExposeOnlyTheApiPort', async () => {
	for (const dir of kustomizations()) {
		const service = (await check(dir)).objects.find((o) => o.kind === 'Service' && o.metadata.name === 'toolgate');
		assert.deepEqual(service.spec.ports.map((port) => port.name), ['http'], dir);
	}
});

test('acceptsAnInClusterModelServerWithEgressToIt', async () => {
	assert.deepEqual(await problemsOf('in-cluster-model'), []);
});

test('rejectsAnInClusterModelServerWithoutEgressToIt', async () => {
	assert.deepEqual(await problemsOf('in-cluster-model-without-egress'), ['Deployment/toolgate: no NetworkPolicy allows '
		+ 'egress to the upstream ollama.models.svc:11434 (an in-cluster model server: see '
		+ 'overlays/prod/model-server-networkpolicy.yaml)']);
});

test('rejectsAProdOverlayInDemoMode', async () => {
	assert.deepEqual(await problemsOf('prod-in-demo-mode'),
		['Deployment/toolgate: a prod workload must set TOOLGATE_MODE=production, not nothing (demo mode)']);
});

test('rejectsAnUpstreamOutsideAConfigMapAndTooFewDeclaredReplicas', async () => {
	const problems = await problemsOf('prod-without-upstream');
	assert.equal(problems.length, 2, problems.join('\n'));
	assert.ok(problems[0].includes('production mode needs TOOLGATE_UPSTREAM_BASE_URL from a ConfigMap key'), problems[0]);
	assert.ok(problems[1].includes('TOOLGATE_REPLICAS (3) must be at least the most replicas that can run (20)'),
		problems[1]);
});

test('rejectsAPublicManagementPort', async () => {
	assert.deepEqual(await problemsOf('public-management-port'), [
		'Deployment/toolgate: Service/toolgate must not expose the management port 9090',
		'Deployment/toolgate: annotation prometheus.io/port must be the management port 9090',
	]);
});
