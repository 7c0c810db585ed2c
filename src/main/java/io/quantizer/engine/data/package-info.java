/**
 * NumPy data sets (.npy and .npz) for calibration and evaluation: validated on open, read as a stream.
 *
 * <h2>Reading samples</h2>
 * <pre>{@code
 * try (NumpyDataset data = NumpyDataset.open(path);              // validates headers, zip limits, sample dims
 *      SampleReader x = data.openSamples("input");               // a .npy's single array is NPY_ARRAY_NAME
 *      SampleReader y = data.openSamples(data.description().labelTensor())) {
 *     FloatBuffer batch = ByteBuffer.allocateDirect(n * x.elementsPerSample() * 4)
 *             .order(ByteOrder.nativeOrder()).asFloatBuffer();   // e.g. to wrap as an OnnxTensor
 *     LongBuffer labels = LongBuffer.allocate(n);
 *     int got;
 *     while ((got = x.read(batch.clear(), n)) > 0) {             // samples [position, position + got)
 *         y.readLongs(labels.clear(), got);
 *         batch.flip();
 *         ...
 *     }
 * }
 * }</pre>
 * <ul>
 *   <li>{@link io.quantizer.engine.data.NumpyDataset#open} checks structure only; {@code verifyData()} (or
 *       {@code NumpyDataset.inspect}) also reads every byte once to catch corrupt compressed data.</li>
 *   <li>{@link io.quantizer.engine.data.SampleReader#read} converts any supported dtype (bool, int8..int64,
 *       uint8..uint64, float16/32/64, either byte order) to float32; {@code readLongs} gives int64 class
 *       indices (whole-number floats accepted). Both read {@code min(n, remaining())} samples and need room for
 *       {@code n * elementsPerSample()} elements. Reading is forward; {@code seek} backwards reopens the array.</li>
 *   <li>Memory is one 64 KiB chunk per reader whatever the array size; deflated .npz entries inflate as they are
 *       read. Readers over different arrays of one data set may be used side by side; one reader is not
 *       thread-safe.</li>
 *   <li>{@link io.quantizer.engine.data.DatasetDescription}: format, sample count (first dimension, shared by all
 *       arrays), tensors (name, {@link io.quantizer.engine.data.NumpyType}, shape) and the label array
 *       ({@code label}, {@code labels} or {@code y}); {@code featureTensors()} are the rest.</li>
 *   <li>Problems with the file raise {@link io.quantizer.engine.data.DatasetFormatException} (unchecked) whose
 *       message is meant for the user; I/O failures stay {@code IOException}.</li>
 * </ul>
 * Tests can write their own files with {@code NumpyFixtures} (test sources, same package).
 */
package io.quantizer.engine.data;
