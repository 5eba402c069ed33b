/**
 * Rich displays: pure renderers from values to {@code text/plain}, {@code text/html} and
 * {@code image/png}, testable without a kernel, plus their registration with a basekernel
 * {@code Renderer}.
 *
 * <table>
 *   <caption>What renders what</caption>
 *   <tr><th>input</th><th>class</th><th>output</th></tr>
 *   <tr><td>INDArray</td><td>{@link io.convnb.display.TensorText}</td><td>NumPy-style text with shape and dtype</td></tr>
 *   <tr><td>INDArray, 0-2-D</td><td>{@link io.convnb.display.TensorHtml}</td><td>HTML table, head/tail when summarised</td></tr>
 *   <tr><td>INDArray, 1-4-D</td><td>{@link io.convnb.display.Heatmap}</td><td>PNG heatmap or channel grid</td></tr>
 *   <tr><td>kernel (kh, kw, in, filters)</td><td>{@link io.convnb.display.KernelGrid}</td><td>PNG filter grid</td></tr>
 *   <tr><td>activations (H, W, C)</td><td>{@link io.convnb.display.FeatureMaps}</td><td>PNG channel grid</td></tr>
 *   <tr><td>Tablesaw Table</td><td>{@link io.convnb.display.TableHtml}</td><td>HTML and text</td></tr>
 *   <tr><td>summary rows</td><td>{@link io.convnb.display.SummaryHtml}</td><td>HTML and Keras text</td></tr>
 *   <tr><td>history {@code Map<String, List<Double>>}</td><td>{@link io.convnb.display.Charts}</td><td>PNG curves, HTML table</td></tr>
 *   <tr><td>{@code int[][]} counts + names</td><td>{@link io.convnb.display.ConfusionMatrix}</td><td>PNG and HTML</td></tr>
 *   <tr><td>images + labels</td><td>{@link io.convnb.display.SampleGrid}</td><td>PNG</td></tr>
 *   <tr><td>labels or counts + names</td><td>{@link io.convnb.display.Charts#classHistogram}</td><td>PNG</td></tr>
 *   <tr><td>steps, time, metrics</td><td>{@link io.convnb.display.ProgressView}</td><td>HTML and Keras text</td></tr>
 * </table>
 *
 * PNG renderers return a {@link io.convnb.display.Figure}, HTML renderers an
 * {@link io.convnb.display.HtmlView}; both carry a {@code text/plain} form and implement
 * basekernel's {@code DisplayDataRenderable}, so {@code display(x)} in IJava shows them directly.
 * PNGs are drawn with headless Java2D in DejaVu Sans (Debian {@code fonts-dejavu-core}) on white,
 * and identical input gives identical bytes. Options such as edge items, precision and the colour
 * map live in {@link io.convnb.display.DisplayOptions#global()}, which {@code %display} sets.
 */
package io.convnb.display;
