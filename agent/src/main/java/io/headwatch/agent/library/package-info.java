/**
 * Model libraries above the engines — langchain4j's in-process embedding models, Spring AI's {@code
 * TransformersEmbeddingModel} — instrumented only to learn what they call the model they are
 * loading (a class-path resource, a resource location), which the engine's session creation then
 * uses to name the model ({@link io.headwatch.agent.instrumentation.ModelLoading}). These libraries
 * hand ONNX Runtime the model's bytes, which carry no name a person recognises. Nothing here reads
 * or changes an inference.
 */
package io.headwatch.agent.library;
