-- The external-data files uploaded with a model (ONNX models over 2 GB keep their weights in files beside the
-- .onnx), as a JSON list of {name, sha256, sizeBytes}; each file's bytes are a content-addressed blob like the
-- model's own. Empty for self-contained models.
ALTER TABLE models ADD COLUMN external_data VARCHAR NOT NULL DEFAULT '[]';
