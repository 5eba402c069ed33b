/**
 * The notebook magics of convnb: {@code %convmath} (one convolution's sizes, counts and window
 * diagram), {@code %%convmath} (a stack's sizes and receptive fields), {@code %%conv} (a worked
 * convolution, step by step), {@code %dataset}, {@code %environment} and {@code %display}.
 *
 * <p>Each magic is a pure function from its shell-split arguments (and cell body) to a basekernel
 * {@code DisplayData}, so it is tested without a kernel; {@link io.convnb.magic.ConvnbMagics#registerAll}
 * registers them with a running kernel, each displaying its own result. Arguments are checked
 * against a per-magic {@link io.convnb.magic.ArgSchema}; bad ones raise a
 * {@link io.convnb.magic.MagicArgumentException} that names the argument, the value and the accepted forms.
 * Sizes and formulas come from {@code io.convnb.shape}, the step-by-step sums from
 * {@code io.convnb.ops.ConvReference}, pictures of data from {@code io.convnb.display}.
 */
package io.convnb.magic;
