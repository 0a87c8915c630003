import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readYaml } from '../kustomize.mjs';
import { check, kustomizations, objectProblems } from '../validate.mjs';

const INVALID = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'invalid');

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
			'NetworkPolicy', 'ServiceMonitor']) {
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
