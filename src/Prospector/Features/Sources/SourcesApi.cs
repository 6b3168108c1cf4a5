using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Sources;

/// <summary>The managed list of lead sources over HTTP: everyone reads it (to pick and filter), admins change it.</summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/sources").WithTags("Sources");
        g.MapGet("/", List).WithSummary("All lead sources (retired ones last, with retired=true) and how many contacts have each; filter lists with source=<id or key>.");
        g.MapPost("/", Add).RequireAuthorization(Policies.Admin).WithSummary("Adds a lead source; its key is made from the name and never changes.");
        g.MapPatch("/{id:long}", Rename).RequireAuthorization(Policies.Admin).WithSummary("Renames a lead source (its key stays).");
        g.MapPost("/{id:long}/retire", (long id, SourceAdmin admin, CancellationToken ct) => Retire(id, true, admin, ct))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Retires a lead source: records keep it and filters still find them, but it is not offered for new records.");
        g.MapPost("/{id:long}/unretire", (long id, SourceAdmin admin, CancellationToken ct) => Retire(id, false, admin, ct))
            .RequireAuthorization(Policies.Admin).WithSummary("Offers a retired lead source again.");
        app.MapGet("/contacts/{id:long}/referrals", Referred).WithTags("Contacts")
            .WithSummary("Whom the contact referred: how many leads and how many of them became customers, and those you can see.");
        return app;
    }

    private static async Task<Results<Ok<ReferralsDto>, ValidationProblem, ProblemHttpResult>> Referred(
        long id, ProspectorDb db, AccessScope scope, IStringLocalizer<SharedResource> l, CancellationToken ct) =>
        (await Referrals.OfAsync(db, scope, id, l, ct)).ToOk();

    private static async Task<Ok<List<LeadSourceDto>>> List(SourceAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.ListAsync(ct));

    private static async Task<Results<Created<LeadSourceDto>, ValidationProblem, ProblemHttpResult>> Add(Body<LeadSourceInput> body, SourceAdmin admin, CancellationToken ct) =>
        (await admin.AddAsync(body.Value.Name, ct)).ToCreated(s => $"/api/v1/sources/{s.Id}", s => s);

    private static async Task<Results<Ok<LeadSourceDto>, ValidationProblem, ProblemHttpResult>> Rename(long id, Body<LeadSourceInput> body, SourceAdmin admin, CancellationToken ct) =>
        (await admin.RenameAsync(id, body.Value.Name, ct)).ToOk();

    private static async Task<Results<Ok<LeadSourceDto>, ValidationProblem, ProblemHttpResult>> Retire(long id, bool retired, SourceAdmin admin, CancellationToken ct) =>
        (await admin.RetireAsync(id, retired, ct)).ToOk();
}
