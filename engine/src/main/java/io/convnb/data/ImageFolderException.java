package io.convnb.data;

/**
 * A folder that {@link Datasets#imageFolder} cannot read as a data set: missing or empty, without class
 * subfolders, or holding an image that does not decode. The message names the folder or file and the fix.
 */
public class ImageFolderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ImageFolderException(String message) {
        super(message);
    }

    public ImageFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
