package io.headwatch.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.headwatch.agent.instrumentation.ModelLoading;
import io.headwatch.agent.model.ModelNames;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The hooks' handling of what libraries pass them, without the libraries. */
class LibraryHooksTest {
  /** Shaped like Spring's {@code Resource}: the hooks call these methods by name. */
  public static final class FakeResource {
    private final URI uri;
    private final String filename;

    FakeResource(URI uri, String filename) {
      this.uri = uri;
      this.filename = filename;
    }

    public URI getURI() {
      if (uri == null) {
        throw new IllegalStateException("no URI");
      }
      return uri;
    }

    public String getFilename() {
      return filename;
    }
  }

  /** Shaped like Spring AI's {@code TransformersEmbeddingModel}: the resource in a field. */
  static final class FakeTransformersModel {
    @SuppressWarnings("unused")
    private final Object modelResource;

    FakeTransformersModel(Object modelResource) {
      this.modelResource = modelResource;
    }
  }

  @Test
  void springAiModelResourceNamesTheModel() {
    Object previous =
        LibraryHooks.enterSpringAi(
            new FakeTransformersModel(
                new FakeResource(
                    URI.create("file:/srv/models/all-MiniLM-L6-v2/model.onnx"), "model.onnx")));
    try {
      assertEquals("file:/srv/models/all-MiniLM-L6-v2/model.onnx", ModelLoading.current());
      assertEquals("all-MiniLM-L6-v2", ModelNames.fromLocation(ModelLoading.current()));
    } finally {
      LibraryHooks.exit(previous);
    }
    assertNull(ModelLoading.current());
  }

  @Test
  void aResourceWithoutUriFallsBackToItsFileName() {
    assertEquals(
        "e5-small-v2.onnx",
        LibraryHooks.springResourceLocation(new FakeResource(null, "e5-small-v2.onnx")));
    assertNull(LibraryHooks.springResourceLocation(null));
  }

  @Test
  void nestedLoadsRestoreTheOuterLocation() {
    Object outer = LibraryHooks.enterResource("outer.onnx");
    Object inner = LibraryHooks.enterResource("inner.onnx");
    assertEquals("inner.onnx", ModelLoading.current());
    LibraryHooks.exit(inner);
    assertEquals("outer.onnx", ModelLoading.current());
    LibraryHooks.exit(outer);
    assertNull(ModelLoading.current());
  }

  @Test
  void somethingUnexpectedSetsNothing() {
    Object previous = LibraryHooks.enterResource(42);
    assertNull(ModelLoading.current());
    LibraryHooks.exit(previous);
    Object none = LibraryHooks.enterSpringAi(new Object());
    assertNull(ModelLoading.current());
    LibraryHooks.exit(none);
    assertNull(ModelLoading.current());
  }
}
