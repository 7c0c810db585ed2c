/**
 * What models and data sets share: the upload life cycle (stage, validate, publish the content-addressed blob,
 * save the row; a rejection leaves nothing behind), blob reference counting across both tables on delete, the
 * in-use veto (409) and streamed downloads with the SHA-256 as ETag.
 */
package io.quantizer.catalog;
