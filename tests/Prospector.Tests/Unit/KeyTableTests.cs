using Prospector.Features.Lists;

namespace Prospector.Tests.Unit;

public sealed class KeyTableTests
{
    [Fact]
    public void Every_key_remembers_the_row_that_used_it_first_through_many_growths()
    {
        var table = new KeyTable();
        var random = new Random(7);
        var keys = new ulong[300_000];
        for (var i = 0; i < keys.Length; i++) keys[i] = (ulong)random.Next(0, 150_000) * 0x9E3779B97F4A7C15UL; // about half repeat
        keys[5] = 0; // the empty marker is a possible hash too
        var first = new Dictionary<ulong, int>();
        for (var row = 0; row < keys.Length; row++)
        {
            var expected = first.TryGetValue(keys[row], out var r) ? r : (int?)null;
            Assert.Equal(expected, table.AddOrGetFirst(keys[row], row + 1));
            first.TryAdd(keys[row], row + 1);
        }
        for (var row = 0; row < keys.Length; row += 997) Assert.Equal(first[keys[row]], table.AddOrGetFirst(keys[row], int.MaxValue));
    }
}
