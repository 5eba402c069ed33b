/**
 * {@code %maven} for the convnb kernel: Maven artifacts and their runtime dependencies on the cells'
 * class path, never a second version of a library the kernel has already loaded.
 *
 * <p>{@link io.convnb.kernel.maven.MavenMagic} parses the call ({@link io.convnb.kernel.maven.Coordinate}),
 * reads {@code ~/.m2/settings.xml} ({@link io.convnb.kernel.maven.SettingsReader}), lets the
 * {@link io.convnb.kernel.maven.MavenBackend} collect the dependency graph, compares it with
 * {@link io.convnb.kernel.maven.LoadedArtifacts} (the kernel's jars, known by their {@code pom.properties}),
 * has only the jars it will add downloaded, and adds them. The backend
 * ({@code io.convnb.kernel.maven.aether}) is the only code that touches Apache Maven Resolver; its
 * jars are kept in {@code lib/maven-resolver/} and loaded by {@link io.convnb.kernel.maven.ResolverLoader}'s
 * own class loader at the first call, so kernel start, the class-data-sharing archive, the cells and
 * IJava never see them. IJava has its own {@code %maven}; {@code ConvnbExtension.install} does not register this one.
 */
package io.convnb.kernel.maven;
