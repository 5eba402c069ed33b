/**
 * What a trained {@link io.convnb.model.Sequential} looks at: Grad-CAM and input-gradient saliency
 * ({@link io.convnb.explain.Saliency}), the effective receptive field of one cell
 * ({@link io.convnb.explain.EffectiveReceptiveField}) and the input patches that drive each filter
 * most ({@link io.convnb.explain.FilterPatches}). Everything runs through the model's own layers in
 * inference mode and leaves the model unchanged; the pictures are drawn by the notebook extension.
 */
package io.convnb.explain;
