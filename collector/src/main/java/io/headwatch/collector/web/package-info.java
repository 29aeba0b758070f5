/**
 * The collector's web pages, served from its API port next to {@code /api} and {@code /metrics}:
 * models, one model's heads, predictions, and one prediction (docs/pages.md).
 *
 * <p>The pages are static HTML, CSS and JavaScript from the jar ({@code web/} on the class path);
 * the browser fills them from the JSON API. Nothing here reads the store: {@link PageRoutes}
 * decides which page a path shows, {@link StaticAssets} loads and caches the files with their
 * content types, ETags and gzip forms, {@link SecurityHeaders} adds a strict
 * Content-Security-Policy to every answer, and {@link WebHandler} ties them together for Jetty and
 * leaves {@code /api} and {@code /metrics} to the API handler.
 */
package io.headwatch.collector.web;
