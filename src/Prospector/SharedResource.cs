using Microsoft.Extensions.Localization;

// The assembly is called "prospector" (the executable's name); resources are named after the root namespace.
[assembly: RootNamespace("Prospector")]

namespace Prospector;

/// <summary>Anchor type of the UI strings in Resources/SharedResource.*.resx (English text is the key).</summary>
public sealed class SharedResource;
