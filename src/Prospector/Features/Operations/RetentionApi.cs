using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Operations;

/// <summary>The workspace's retention period over HTTP: what a run would purge, and a run now. Admins only.</summary>
public static class RetentionApi
{
    public static RouteGroupBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/retention").WithTags("Workspace").RequireAuthorization(Policies.Admin);
        g.MapGet("/preview", Preview)
            .WithSummary("What a retention run would purge now: counts by kind and the records (up to 200 of each kind).")
            .WithDescription("Admins only. Records in the recycle bin for longer than the workspace's retention period are purged for good; " +
                             "disqualified contacts without a granted consent whose last status change is older than the period are erased (a tombstone remains).");
        g.MapPost("/run", Run)
            .WithSummary("Purge now what the preview shows; the run is recorded in the audit trail.")
            .WithDescription("Admins only. 409 while another run (on any instance) is under way. The server also runs this once a day by itself.");
        return g;
    }

    private static async Task<Results<Ok<RetentionPreview>, ValidationProblem, ProblemHttpResult>> Preview(
        RetentionService retention, AccessScope scope, CancellationToken ct) =>
        (await retention.PreviewAsync(scope, ct)).ToOk();

    private static async Task<Results<Ok<RetentionRun>, ValidationProblem, ProblemHttpResult>> Run(
        RetentionService retention, AccessScope scope, CancellationToken ct) =>
        (await retention.RunAsync(scope, "admin", ct: ct)).ToOk();
}
