namespace Kuzzle.Realtime.Security.Tests;

/// <summary>security.md §3.5: the effective limit is 0 if any profile has 0, else the largest.</summary>
public sealed class RateLimitTests
{
    private static CompiledRights Profile(long rateLimit) =>
        CompiledRights.Compile(
            new Profile($"p{rateLimit}", [new Policy("r")], rateLimit),
            new Dictionary<string, Role> { ["r"] = BuiltInSecurity.BootstrapRoles[0] });

    [TestCase(new long[] { }, 0)]
    [TestCase(new long[] { 0 }, 0)]
    [TestCase(new long[] { 10 }, 10)]
    [TestCase(new long[] { 10, 200 }, 200)]
    [TestCase(new long[] { 200, 10 }, 200)]
    [TestCase(new long[] { 10, 0, 200 }, 0)]
    [TestCase(new long[] { 200, 10, 0 }, 0)]
    [TestCase(new long[] { 5, 5 }, 5)]
    public void Combination(long[] limits, long expected) =>
        Assert.That(RightsEvaluator.RateLimit([.. limits.Select(Profile)]), Is.EqualTo(expected));
}
