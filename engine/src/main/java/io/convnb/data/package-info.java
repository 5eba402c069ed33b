/**
 * Data for the tutorials: the IDX reader ({@link io.convnb.data.IdxReader}), the real data sets
 * ({@link io.convnb.data.Datasets#fashionMnist()}, {@link io.convnb.data.Datasets#mnistDigits()}),
 * the immutable {@link io.convnb.data.Dataset} with views, splits and stratified samples, mini-batches that
 * reuse their buffers ({@link io.convnb.data.BatchIterator}) and seeded image augmentation
 * ({@link io.convnb.data.ImageAugmentation}).
 *
 * <p>Images are NHWC {@code (N, height, width, channels)} FLOAT in [0, 1]; labels are one-hot
 * {@code (N, classes)} FLOAT. Missing data raises {@link io.convnb.data.DataNotFoundException} (an
 * {@link java.lang.IllegalStateException}) naming the install command; corrupt files raise
 * {@link io.convnb.data.IdxFormatException} (an {@link java.lang.IllegalArgumentException}) naming the file,
 * the expectation and the value found. {@code scripts/get-data.sh} installs both data sets.
 */
package io.convnb.data;
