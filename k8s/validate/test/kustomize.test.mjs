import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render, strategicMerge } from '../kustomize.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kustomize');

function overlay() {
	const objects = render(join(FIXTURES, 'overlay'));
	return {
		deployment: objects.find((o) => o.kind === 'Deployment'),
		service: objects.find((o) => o.kind === 'Service'),
	};
}

test('mergesContainersAndEnvByName', () => {
	const [app, sidecar, extra] = overlay().deployment.spec.template.spec.containers;
	assert.deepEqual(app.env, [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
	assert.equal(sidecar.name, 'sidecar');
	assert.equal(extra.image, 'extra:1');
});

test('replacesListsWithoutMergeKey', () => {
	assert.deepEqual(overlay().deployment.spec.template.spec.containers[0].args, ['three']);
});

test('deletesKeysSetToNull', () => {
	assert.equal('replicas' in overlay().deployment.spec, false);
});

test('mergesServicePortsByPort', () => {
	assert.deepEqual(overlay().service.spec.ports, [{ name: 'http', port: 80, targetPort: 9090 }]);
});

test('setsNamespaceOnEveryObject', () => {
	const { deployment, service } = overlay();
	assert.equal(deployment.metadata.namespace, 'team');
	assert.equal(service.metadata.namespace, 'team');
});

test('addsLabelsToMetadataAndTemplatesButNotSelectors', () => {
	const { deployment, service } = overlay();
	assert.equal(deployment.metadata.labels.env, 'test');
	assert.equal(deployment.spec.template.metadata.labels.env, 'test');
	assert.deepEqual(deployment.spec.selector.matchLabels, { app: 'demo' });
	assert.deepEqual(service.spec.selector, { app: 'demo' });
});

test('rewritesImagesByNameOnly', () => {
	const [app, sidecar] = overlay().deployment.spec.template.spec.containers;
	assert.equal(app.image, 'registry.example.com/demo:2');
	assert.equal(sidecar.image, 'sidecar@sha256:abc');
});

test('leavesTheBaseUntouched', () => {
	const base = render(join(FIXTURES, 'base')).find((o) => o.kind === 'Deployment');
	assert.equal(base.spec.replicas, 2);
	assert.equal(base.metadata.namespace, undefined);
});

test('rejectsFieldsOutsideTheSubset', () => {
	assert.throws(() => render(join(FIXTURES, 'unsupported')), /configMapGenerator.*outside the supported/);
});

test('rejectsMergeKeyLessPatchItems', () => {
	assert.throws(() => strategicMerge({ env: [{ name: 'A' }] }, { env: [{ value: 'x' }] }, []), /merge key 'name'/);
});
