export { ACT_CODE_SYSTEM, REVIEW_TAG_SYSTEM, ERROR_TAG_SYSTEM, applyLabels, codesFor, fhirLabelMapPath, FhirLabelMapSchema, labelsFor, loadFhirLabelMap, toFhirLabels, type Coding, type FhirLabelMap, type FhirLabels, type LabelInput } from './labels.js';
export { documentReferenceFor, FHIR_COLLECTION_OPEN, fhirCollectionClose, fhirEntry, labelRoot, type LabelTarget } from './resources.js';
