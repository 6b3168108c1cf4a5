namespace Prospector.Features.Lists;

/// <summary>
/// The in-file duplicate keys of an import: 64-bit key hashes and the row that used each first, in open-addressed
/// arrays (12 bytes a slot) split into 64 shards that grow by half. At a million rows (≈3 million keys) this holds
/// about half of what a <see cref="Dictionary{TKey,TValue}"/> would, and a shard's growth is 1/64 of the whole.
/// </summary>
internal sealed class KeyTable
{
    private readonly Shard[] _shards = [.. Enumerable.Range(0, 64).Select(_ => new Shard())];

    /// <summary>Adds the key for this row, or returns the row that had it first.</summary>
    public int? AddOrGetFirst(ulong hash, int row) => _shards[hash >> 58].AddOrGetFirst(hash == 0 ? 1 : hash, row);

    private sealed class Shard
    {
        private ulong[] _keys = new ulong[1021];
        private int[] _rows = new int[1021];
        private int _count;

        public int? AddOrGetFirst(ulong key, int row)
        {
            var i = Find(_keys, key);
            if (_keys[i] == key) return _rows[i];
            if ((_count + 1) * 10 > _keys.Length * 7) { Grow(); i = Find(_keys, key); }
            (_keys[i], _rows[i]) = (key, row);
            _count++;
            return null;
        }

        /// <summary>The slot holding the key, or the empty slot where it belongs (linear probing; 0 marks empty).</summary>
        private static int Find(ulong[] keys, ulong key)
        {
            var i = (int)((key & 0x03FF_FFFF_FFFF_FFFF) % (ulong)keys.Length);
            while (keys[i] != 0 && keys[i] != key) i = i + 1 == keys.Length ? 0 : i + 1;
            return i;
        }

        private void Grow()
        {
            var (keys, rows) = (new ulong[_keys.Length * 3 / 2 | 1], new int[_keys.Length * 3 / 2 | 1]);
            for (var j = 0; j < _keys.Length; j++)
            {
                if (_keys[j] == 0) continue;
                var i = Find(keys, _keys[j]);
                (keys[i], rows[i]) = (_keys[j], _rows[j]);
            }
            (_keys, _rows) = (keys, rows);
        }
    }
}
