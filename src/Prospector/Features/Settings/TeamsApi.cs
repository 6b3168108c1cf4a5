using Microsoft.AspNetCore.Http.HttpResults;
using Prospector.Features.Access;
using Prospector.Features.Auth;
using Prospector.Features.Common;

namespace Prospector.Features.Settings;

/// <summary>Team administration over HTTP: teams, a user's role and teams, hand-over of a book, password reset links.</summary>
public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/teams").WithTags("Teams").RequireAuthorization(Policies.Admin);
        teams.MapGet("/", ListTeams).WithSummary("All teams, archived ones last, with their member counts.");
        teams.MapPost("/", AddTeam).WithSummary("Adds a team.");
        teams.MapPatch("/{id:long}", RenameTeam).WithSummary("Renames a team.");
        teams.MapPost("/{id:long}/archive", (long id, TeamAdmin admin, CancellationToken ct) => Archive(id, true, admin, ct))
            .WithSummary("Archives a team: it takes no new members and no new records; its members and records stay as they are.");
        teams.MapPost("/{id:long}/unarchive", (long id, TeamAdmin admin, CancellationToken ct) => Archive(id, false, admin, ct))
            .WithSummary("Brings an archived team back.");

        var users = app.MapGroup("/users").WithTags("Users");
        users.MapPatch("/{id:long}", SetUser).RequireAuthorization(Policies.Admin)
            .WithSummary("Changes a user's role and/or teams (teamIds is the whole new list); counts from the user's next request.");
        users.MapPost("/{id:long}/reset-password", ResetPassword).RequireAuthorization(Policies.Admin)
            .WithSummary("Makes a one-time link (valid three days) with which the user sets a new password; give it to them.");
        users.MapPost("/{id:long}/reassign", Reassign).RequireAuthorization(Policies.ManagerOrAdmin)
            .WithSummary("Hands the user's open book (contacts, companies, open deals, open list rows, open next actions) to toUserId in one step.");
        return app;
    }

    private static async Task<Ok<List<TeamDto>>> ListTeams(TeamAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.TeamsAsync(ct));

    private static async Task<Results<Created<TeamDto>, ValidationProblem, ProblemHttpResult>> AddTeam(Body<TeamInput> body, TeamAdmin admin, CancellationToken ct) =>
        (await admin.AddTeamAsync(body.Value.Name, ct)).ToCreated(t => $"/api/v1/teams/{t.Id}", t => t);

    private static async Task<Results<Ok<TeamDto>, ValidationProblem, ProblemHttpResult>> RenameTeam(long id, Body<TeamInput> body, TeamAdmin admin, CancellationToken ct) =>
        (await admin.RenameTeamAsync(id, body.Value.Name, ct)).ToOk();

    private static async Task<Results<Ok<TeamDto>, ValidationProblem, ProblemHttpResult>> Archive(long id, bool archived, TeamAdmin admin, CancellationToken ct) =>
        (await admin.ArchiveTeamAsync(id, archived, ct)).ToOk();

    private static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> SetUser(long id, Body<UserChange> body, TeamAdmin admin, CancellationToken ct) =>
        (await admin.SetUserAsync(id, body.Value, ct)).ToOk();

    private static async Task<Results<Ok<ResetLink>, ValidationProblem, ProblemHttpResult>> ResetPassword(long id, PasswordReset reset, CancellationToken ct) =>
        (await reset.CreateLinkAsync(id, ct)).ToOk();

    private static async Task<Results<Ok<Reassigned>, ValidationProblem, ProblemHttpResult>> Reassign(
        long id, Body<ReassignInput> body, AccessScope scope, BookHandOver book, CancellationToken ct) =>
        (await book.ReassignAsync(id, body.Value.ToUserId, scope, ct)).ToOk();
}
