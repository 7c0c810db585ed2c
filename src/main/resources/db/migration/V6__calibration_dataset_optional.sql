-- The dynamic, weight-only and fp16 modes (issue 14) do not calibrate: their jobs may have no calibration set.
ALTER TABLE quantization_jobs ALTER COLUMN calibration_dataset_id DROP NOT NULL;
