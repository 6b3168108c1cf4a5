using Prospector.Features.Lists;
using Prospector.Features.Reports;

namespace Prospector.Tests.Unit;

/// <summary>The lists report names every cancel reason the list grid offers in words, not as its code name.</summary>
public sealed class ReportTextsTests
{
    [Fact]
    public void Every_cancel_reason_of_a_list_row_has_words_in_the_lists_report()
    {
        static string Translate(string english) => $"«{english}»";
        foreach (var reason in Enum.GetNames<CancelReason>())
            Assert.StartsWith("«", ReportTables.CancelReasonText(reason, Translate), StringComparison.Ordinal);
        Assert.Equal("«Wrong target market»", ReportTables.CancelReasonText(nameof(CancelReason.WrongTargetMarket), Translate));
        Assert.Equal("Anrufbeantworter", ReportTables.CancelReasonText("Anrufbeantworter", Translate));
    }
}
