// Run once by binder/postBuild (java's single-file source launcher, the kernel's jars on the
// class path) so that JavaCPP unpacks ND4J's native libraries into ~/.javacpp/cache while the
// image is built: the first notebook cell then starts in seconds instead of unpacking ~300 MB.
// The small GEMM also checks that the natives load and compute.
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class WarmNd4j {
    public static void main(String[] args) {
        INDArray a = Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {2, 2});
        INDArray b = Nd4j.create(new float[] {5, 6, 7, 8}, new long[] {2, 2});
        float[] c = a.mmul(b).data().asFloat();   // [[19, 22], [43, 50]]
        float[] expected = {19, 22, 43, 50};
        if (!java.util.Arrays.equals(c, expected)) {
            throw new IllegalStateException("ND4J matrix product gave " + java.util.Arrays.toString(c)
                    + ", expected " + java.util.Arrays.toString(expected)
                    + "; check OPENBLAS_CORETYPE and the ND4J native classifier");
        }
        System.out.println("ND4J natives ready: " + Nd4j.getBackend().getClass().getSimpleName()
                + ", 2x2 product " + java.util.Arrays.toString(c));
    }
}
