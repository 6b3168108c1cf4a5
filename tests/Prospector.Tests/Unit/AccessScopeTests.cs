using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Tests.Unit;

/// <summary>
/// The two faces of the one authorization rule — the query filter (lists) and CanSee (single records, writes) —
/// must agree for every role and every kind of record, or a list would show what a detail page hides.
/// </summary>
public sealed class AccessScopeTests
{
    private sealed record Rec(long? OwnerId, long? TeamId) : IOwned
    {
        public long? OwnerId { get; set; } = OwnerId;
        public long? TeamId { get; set; } = TeamId;
    }

    [Fact]
    public void Filter_and_CanSee_agree_on_random_records_and_scopes()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var scope = new AccessScope(random.Next(1, 6), random.Next(3) switch { 0 => Roles.Admin, 1 => Roles.Manager, _ => Roles.Rep },
                [.. Enumerable.Range(1, 4).Where(_ => random.Next(2) == 0).Select(t => (long)t)],
                [.. Enumerable.Range(1, 6).Where(_ => random.Next(3) == 0).Select(u => (long)u)],
                SeesAll: random.Next(5) == 0);
            var records = Enumerable.Range(0, 40).Select(_ => new Rec(
                random.Next(4) == 0 ? null : random.Next(1, 7), random.Next(4) == 0 ? null : random.Next(1, 5))).ToList();
            var filtered = scope.Filter(records.AsQueryable()).ToHashSet();
            foreach (var r in records) Assert.Equal(scope.CanSee(r), filtered.Contains(r));
        }
    }

    [Fact]
    public void A_rep_sees_own_team_and_shared_records_but_not_another_teams()
    {
        var rep = new AccessScope(UserId: 10, Roles.Rep, TeamIds: [1], TeamMemberIds: [], SeesAll: false);
        Assert.True(rep.CanSee(new Rec(10, 2)));     // own record, whatever its team
        Assert.True(rep.CanSee(new Rec(11, 1)));     // a colleague's record in my team
        Assert.True(rep.CanSee(new Rec(null, null))); // the shared pool
        Assert.False(rep.CanSee(new Rec(12, 2)));    // another team's record
        Assert.False(AccessScope.Nobody.CanSee(new Rec(null, null)));
    }
}
