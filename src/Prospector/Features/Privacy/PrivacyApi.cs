using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Common;

namespace Prospector.Features.Privacy;

/// <summary>GDPR requests about one contact over HTTP: the personal-data export and the erasure.</summary>
public static class PrivacyApi
{
    public static RouteGroupBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/contacts").WithTags("Contacts");
        g.MapGet("/{id:long}/personal-data", Export)
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "application/zip")
            .WithSummary("Export everything stored about one person (GDPR Art. 15/20) as a ZIP of JSON and CSV.")
            .WithDescription("Managers and admins, for a contact they can see. The ZIP holds personal-data.json (all of it in one document) " +
                             "and one CSV per kind. The export is recorded in the audit trail.");
        g.MapPost("/{id:long}/erase", Erase)
            .WithSummary("Erase the person's data everywhere it is stored (GDPR Art. 17), leaving a tombstone reports still count.")
            .WithDescription("Admins only. Cannot be undone. The erasure is recorded in the audit trail (who, when, the contact's id).");
        return g;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(
        long id, PersonalDataExport export, AccessScope scope, CancellationToken ct)
    {
        var found = await export.ExportAsync(scope, id, ct);
        return found.Value is { } file
            ? TypedResults.File(file.Content, "application/zip", file.FileName)
            : OutcomeResults.ProblemOf(found);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Erase(
        long id, Erasure erasure, AccessScope scope, CancellationToken ct) =>
        (await erasure.EraseAsync(scope, id, ct)).ToNoContent();
}
