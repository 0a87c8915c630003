// Renders a Kustomize directory with the subset of Kustomize that Toolgate's manifests use, so CI can check
// them without the kustomize binary. Anything outside the subset is an error, never silently ignored: the
// output must stay what `kubectl kustomize` would produce for the same directory.
//
// Supported kustomization fields: resources (files and directories), namespace, labels (pairs,
// includeTemplates; includeSelectors must be false), patches (strategic merge, from path or inline patch,
// located by kind and metadata.name), images (name, newName, newTag, digest).
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'patches', 'images']);

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
	'PersistentVolume', 'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration',
	'MutatingWebhookConfiguration']);

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

// Merge keys of the lists Toolgate patches, as the Kubernetes API declares them (patchMergeKey). Lists not
// named here are replaced whole by a patch, as strategic merge does for lists without a merge key.
const MERGE_KEYS = {
	containers: 'name',
	initContainers: 'name',
	env: 'name',
	volumes: 'name',
	volumeMounts: 'mountPath',
	imagePullSecrets: 'name',
};

/** Reads every YAML document of a file, skipping empty ones. */
export function readYaml(file) {
	return loadAll(readFileSync(file, 'utf8')).filter((doc) => doc !== null && doc !== undefined);
}

/** Renders the kustomization in `dir` to a list of objects. */
export function render(dir) {
	const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(dir, name))
		.find((candidate) => existsSync(candidate));
	if (!file) {
		throw new Error(`${dir}: no kustomization.yaml`);
	}
	const [kustomization] = readYaml(file);
	for (const key of Object.keys(kustomization)) {
		if (!SUPPORTED.has(key)) {
			throw new Error(`${file}: field '${key}' is outside the supported Kustomize subset`);
		}
	}
	let objects = [];
	for (const entry of kustomization.resources ?? []) {
		const path = resolve(dir, entry);
		objects.push(...(statSync(path).isDirectory() ? render(path) : readYaml(path)));
	}
	for (const patch of kustomization.patches ?? []) {
		applyPatch(objects, patch, dir, file);
	}
	if (kustomization.namespace) {
		objects = objects.map((object) => withNamespace(object, kustomization.namespace));
	}
	for (const labels of kustomization.labels ?? []) {
		objects = objects.map((object) => withLabels(object, labels, file));
	}
	for (const image of kustomization.images ?? []) {
		objects = objects.map((object) => withImage(object, image));
	}
	return objects;
}

function applyPatch(objects, entry, dir, file) {
	const docs = entry.path ? readYaml(resolve(dir, entry.path)) : loadAll(entry.patch ?? '');
	for (const patch of docs) {
		if (Array.isArray(patch)) {
			throw new Error(`${file}: JSON 6902 patches are outside the supported Kustomize subset`);
		}
		const kind = entry.target?.kind ?? patch.kind;
		const name = entry.target?.name ?? patch.metadata?.name;
		const matches = objects.filter((object) => object.kind === kind && object.metadata?.name === name);
		if (matches.length !== 1) {
			throw new Error(`${file}: patch for ${kind}/${name} matches ${matches.length} objects, not 1`);
		}
		const index = objects.indexOf(matches[0]);
		objects[index] = strategicMerge(matches[0], patch, []);
	}
}

/**
 * Strategic merge of `patch` into `target`, returning a new value: maps merge key by key, null deletes a key,
 * lists with a merge key merge item by item (an item with `$patch: delete` removes its match), other lists
 * and scalars are replaced.
 */
export function strategicMerge(target, patch, path) {
	if (isMap(patch) && isMap(target)) {
		const merged = { ...target };
		for (const [key, value] of Object.entries(patch)) {
			if (key.startsWith('$')) {
				throw new Error(`${path.join('.')}: directive ${key} is not supported here`);
			}
			if (value === null) {
				delete merged[key];
			}
			else if (Array.isArray(value) && Array.isArray(target[key]) && mergeKey(key, value)) {
				merged[key] = mergeList(target[key], value, mergeKey(key, value), [...path, key]);
			}
			else {
				merged[key] = key in target ? strategicMerge(target[key], value, [...path, key]) : clean(value);
			}
		}
		return merged;
	}
	return clean(patch);
}

function mergeKey(field, items) {
	if (field === 'ports') {
		// Container ports merge on containerPort and Service ports on port.
		return items.every((item) => isMap(item) && 'containerPort' in item) ? 'containerPort' : 'port';
	}
	return MERGE_KEYS[field];
}

function mergeList(target, patch, key, path) {
	const merged = [...target];
	for (const item of patch) {
		if (!isMap(item) || !(key in item)) {
			throw new Error(`${path.join('.')}: every patch item needs its merge key '${key}'`);
		}
		const index = merged.findIndex((existing) => existing[key] === item[key]);
		if (item.$patch === 'delete') {
			if (index < 0) {
				throw new Error(`${path.join('.')}: cannot delete missing item ${key}=${item[key]}`);
			}
			merged.splice(index, 1);
		}
		else if (index >= 0) {
			merged[index] = strategicMerge(merged[index], item, [...path, item[key]]);
		}
		else {
			merged.push(clean(item));
		}
	}
	return merged;
}

function clean(value) {
	if (Array.isArray(value)) {
		return value.map(clean);
	}
	if (isMap(value)) {
		if (Object.keys(value).some((key) => key.startsWith('$'))) {
			throw new Error(`patch directive in a new value: ${JSON.stringify(value)}`);
		}
		return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, clean(v)]));
	}
	return value;
}

function isMap(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withNamespace(object, namespace) {
	if (CLUSTER_SCOPED.has(object.kind)) {
		return object;
	}
	return { ...object, metadata: { ...object.metadata, namespace } };
}

function withLabels(object, labels, file) {
	if (labels.includeSelectors) {
		throw new Error(`${file}: labels.includeSelectors is outside the supported Kustomize subset`);
	}
	const result = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, ...labels.pairs } } };
	if (labels.includeTemplates && WORKLOADS.has(object.kind)) {
		const template = object.spec.template;
		result.spec = { ...object.spec, template: { ...template,
			metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...labels.pairs } } } };
	}
	return result;
}

function withImage(object, image) {
	if (!WORKLOADS.has(object.kind)) {
		return object;
	}
	const rewrite = (container) => {
		const { name, suffix } = splitImage(container.image);
		if (name !== image.name) {
			return container;
		}
		const reference = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : suffix;
		return { ...container, image: `${image.newName ?? name}${reference}` };
	};
	const pod = object.spec.template.spec;
	const spec = { ...pod, containers: pod.containers.map(rewrite) };
	if (pod.initContainers) {
		spec.initContainers = pod.initContainers.map(rewrite);
	}
	return { ...object, spec: { ...object.spec, template: { ...object.spec.template, spec } } };
}

function splitImage(image) {
	const at = image.indexOf('@');
	if (at >= 0) {
		return { name: image.slice(0, at), suffix: image.slice(at) };
	}
	const colon = image.lastIndexOf(':');
	if (colon > image.lastIndexOf('/')) {
		return { name: image.slice(0, colon), suffix: image.slice(colon) };
	}
	return { name: image, suffix: '' };
}
