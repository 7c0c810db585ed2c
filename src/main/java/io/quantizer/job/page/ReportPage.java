package io.quantizer.job.page;

import io.quantizer.engine.report.Summary;
import io.quantizer.job.JobStatus;
import io.quantizer.job.JobView;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/** Renders a job's report page: the job's result read back as the engine's {@link Summary}, through a template. */
@Component
public class ReportPage {

    static final String TEMPLATE = "job-report";

    private final ITemplateEngine templates;
    private final ObjectMapper mapper;
    private final ObjectReader summaries;

    public ReportPage(ITemplateEngine templates, ObjectMapper mapper) {
        this.templates = templates;
        this.mapper = mapper;
        // the stored result carries more than the summary (the attempt's jobTimings)
        this.summaries = mapper.readerFor(Summary.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * @param nonce the response's Content-Security-Policy nonce, the only thing that lets the page's own
     *              stylesheet apply
     */
    public String render(JobView job, String nonce) {
        Summary summary = job.status() == JobStatus.SUCCEEDED && job.result() != null
                ? summaries.readValue(job.result()) : null;
        String recipe = job.recipe() == null ? null
                : Text.printable(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(job.recipe()));
        Context context = new Context();
        context.setVariables(ReportModel.of(job, summary, recipe));
        context.setVariable("nonce", nonce);
        return templates.process(TEMPLATE, context);
    }
}
