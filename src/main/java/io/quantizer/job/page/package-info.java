/**
 * The job's report as a web page for people: a server-rendered HTML page with inline SVG charts, no scripts and
 * nothing fetched from other hosts. Every name on it comes from the user's model and is escaped by the template.
 */
package io.quantizer.job.page;
