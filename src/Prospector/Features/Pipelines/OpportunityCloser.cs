using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;
using Prospector.Features.Common;
using Prospector.Features.NextActions;

namespace Prospector.Features.Pipelines;

/// <summary>Closing an opportunity when its last action is done (the To do's "close the item"): won, lost or cancelled.</summary>
public sealed class OpportunityCloser(ProspectorDb db, Opportunities opportunities) : IItemCloser
{
    public bool ClosesOpportunities => true;

    public async Task<Outcome<Done>> CloseAsync(NextAction action, CloseInput close, AccessScope scope, CancellationToken ct)
    {
        var o = await db.Opportunities.FirstAsync(x => x.Id == action.OpportunityId, ct);
        var errors = close.As switch
        {
            CloseAs.Won => await opportunities.WinAsync(o, close.Reason, close.FreeDeal == true, scope, ct),
            CloseAs.Lost => await opportunities.CloseAsync(o, OpportunityState.Lost, close.Reason, scope, ct),
            _ => await opportunities.CloseAsync(o, OpportunityState.Cancelled, close.Reason, scope, ct),
        };
        return errors is null ? Outcome<Done>.Ok(default) : Outcome<Done>.Invalid(errors);
    }
}
