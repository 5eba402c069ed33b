package io.convnb.kernel.maven;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CoordinateTest {
    @Test
    void theAcceptedForms() {
        assertEquals(new Coordinate("org.apache.commons", "commons-math3", "jar", "", "3.6.1"),
                Coordinate.parse("org.apache.commons:commons-math3:3.6.1"));
        assertEquals(new Coordinate("org.bytedeco", "openblas", "jar", "linux-x86_64", "0.3.19-1.5.7"),
                Coordinate.parse("org.bytedeco:openblas:linux-x86_64:0.3.19-1.5.7"));
        // IJava's four-part form names a packaging.
        assertEquals(new Coordinate("g", "a", "pom", "", "1.0"), Coordinate.parse("g:a:pom:1.0"));
        assertEquals(new Coordinate("g", "a", "jar", "", "1.0"), Coordinate.parse("g:a:jar:1.0"));
        assertEquals(new Coordinate("g", "a", "zip", "sources", "1.0"), Coordinate.parse("g:a:zip:sources:1.0"));
        assertEquals(new Coordinate("g", "a", "jar", "", "[1.0,2.0)"), Coordinate.parse(" g:a:[1.0,2.0) "));
    }

    @Test
    void textRoundTrips() {
        for (String s : new String[] {"g:a:1.0", "g:a:pom:1.0", "g:a:jar:natives:1.0", "g:a:zip:sources:1.0"}) {
            assertEquals(s, Coordinate.parse(s).toString());
        }
        assertEquals("g:a:jar:natives:1.0", Coordinate.parse("g:a:natives:1.0").toString());
        assertEquals("g:a", Coordinate.parse("g:a:natives:1.0").key());
    }

    @Test
    void malformedOnesNameTheProblemAndTheForms() {
        String forms = " Expected " + Coordinate.FORMS + ".";
        assertEquals("%maven: 'commons-math3' is not a Maven coordinate: it has 1 part separated by ':', not 3 to 5." + forms,
                assertThrows(MavenException.class, () -> Coordinate.parse("commons-math3")).getMessage());
        assertEquals("%maven: 'a:b:c:d:e:f' is not a Maven coordinate: it has 6 parts separated by ':', not 3 to 5." + forms,
                assertThrows(MavenException.class, () -> Coordinate.parse("a:b:c:d:e:f")).getMessage());
        assertEquals("%maven: 'g:a:' is not a Maven coordinate: the version is empty." + forms,
                assertThrows(MavenException.class, () -> Coordinate.parse("g:a:")).getMessage());
        assertEquals("%maven: 'g/x:a:1' is not a Maven coordinate: the group 'g/x' has characters a Maven group cannot have." + forms,
                assertThrows(MavenException.class, () -> Coordinate.parse("g/x:a:1")).getMessage());
    }
}
