using System.Text;
using Kuzzle.Realtime.Strategies.Local.Hashing;

namespace Kuzzle.Realtime.Strategies.Tests;

public sealed class HashingTests
{
    private static readonly byte[] Salt = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

    [Test]
    public void Libsodium_loads_on_this_platform()
    {
        Assert.That(Argon2idSodiumHasher.IsSupported, Is.True);
        Assert.That(PasswordHashers.CreateDefault(Argon2idParameters.Default), Is.InstanceOf<Argon2idSodiumHasher>());
    }

    [TestCase(19456, 2)]
    [TestCase(64, 1)]
    [TestCase(1024, 3)]
    public void Sodium_and_managed_give_identical_raw_hashes(int memoryKiB, int iterations)
    {
        var parameters = new Argon2idParameters(memoryKiB, iterations, 1);
        var password = Encoding.UTF8.GetBytes("correct horse battery staple ✓");
        var sodium = new byte[32];
        var managed = new byte[32];
        new Argon2idSodiumHasher(parameters).DeriveKey(password, Salt, parameters, sodium);
        new Argon2idManagedHasher(parameters).DeriveKey(password, Salt, parameters, managed);
        Assert.That(sodium, Is.EqualTo(managed));
        Assert.That(sodium, Is.Not.EqualTo(new byte[32]));
    }

    [Test]
    public void A_hash_made_by_one_implementation_verifies_with_the_other()
    {
        var sodium = new Argon2idSodiumHasher(TestSupport.Cheap);
        var managed = new Argon2idManagedHasher(TestSupport.Cheap);
        var fromSodium = sodium.Hash("s3cret");
        var fromManaged = managed.Hash("s3cret");
        Assert.Multiple(() =>
        {
            Assert.That(managed.Verify("s3cret", fromSodium), Is.True);
            Assert.That(sodium.Verify("s3cret", fromManaged), Is.True);
            Assert.That(sodium.Verify("s3cret!", fromManaged), Is.False);
        });
    }

    [Test]
    public void Default_parameters_are_the_owasp_minimum_and_the_phc_string_says_so()
    {
        var hasher = PasswordHashers.CreateDefault(Argon2idParameters.Default);
        var phc = hasher.Hash("password");
        Assert.That(phc, Does.Match(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$"));
        var parsed = Argon2idPhc.Parse(phc);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Parameters, Is.EqualTo(Argon2idParameters.Default));
            Assert.That(parsed.Salt.Length, Is.EqualTo(16));
            Assert.That(parsed.Hash.Length, Is.EqualTo(32));
            Assert.That(hasher.Verify("password", phc), Is.True);
            Assert.That(hasher.Verify("Password", phc), Is.False);
            Assert.That(Argon2idParameters.Default.MeetsOwaspMinimum, Is.True);
        });
    }

    [Test]
    public void Each_hash_gets_a_new_salt()
    {
        var hasher = new Argon2idSodiumHasher(TestSupport.Cheap);
        var first = hasher.Hash("same");
        var second = hasher.Hash("same");
        Assert.That(Argon2idPhc.Parse(first).Salt.ToArray(), Is.Not.EqualTo(Argon2idPhc.Parse(second).Salt.ToArray()));
        Assert.That(first, Is.Not.EqualTo(second));
    }

    [Test]
    public void Phc_format_and_parse_round_trip()
    {
        var parameters = new Argon2idParameters(4096, 3, 2, HashLength: 24, SaltLength: 20);
        var salt = Enumerable.Range(0, 20).Select(i => (byte)(i * 7)).ToArray();
        var hash = Enumerable.Range(0, 24).Select(i => (byte)(255 - i)).ToArray();
        var text = Argon2idPhc.Format(parameters, salt, hash);
        Assert.That(text, Does.StartWith("$argon2id$v=19$m=4096,t=3,p=2$"));
        Assert.That(text.Split('$')[4..], Has.None.Contains("="));
        var parsed = Argon2idPhc.Parse(text);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Parameters, Is.EqualTo(parameters));
            Assert.That(parsed.Salt.ToArray(), Is.EqualTo(salt));
            Assert.That(parsed.Hash.ToArray(), Is.EqualTo(hash));
        });
    }

    [Test]
    public void A_libsodium_style_reference_string_parses()
    {
        // Spelling of the reference implementation's output: standard alphabet, no padding.
        const string reference = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$qLml5cbqFAO6YxVHhrSBHP0UWdxrIxkNcM8aMX3blzU";
        var parsed = Argon2idPhc.Parse(reference);
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Parameters.MemoryKiB, Is.EqualTo(65536));
            Assert.That(parsed.Parameters.Iterations, Is.EqualTo(3));
            Assert.That(parsed.Parameters.Parallelism, Is.EqualTo(4));
            Assert.That(Encoding.ASCII.GetString(parsed.Salt.Span), Is.EqualTo("somesaltsomesalt"));
        });
    }

    [TestCase(null, "not an argon2id")]
    [TestCase("", "not an argon2id")]
    [TestCase("$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not an argon2id")]
    [TestCase("$argon2id$v=16$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "version")]
    [TestCase("$argon2id$v=19$m=64,t=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "parameters")]
    [TestCase("$argon2id$v=19$t=1,m=64,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "parameters")]
    [TestCase("$argon2id$v=19$m=064,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "parameters")]
    [TestCase("$argon2id$v=19$m=-64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "parameters")]
    [TestCase("$argon2id$v=19$m=99999999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "parameters")]
    [TestCase("$argon2id$v=19$m=4,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "out of range")]
    [TestCase("$argon2id$v=19$m=64,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "out of range")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "salt")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAA-_AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "salt")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "salt")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "salt")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA", "hash")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$", "5 '$'")]
    public void Invalid_phc_strings_are_rejected_with_a_reason(string? text, string reason)
    {
        Assert.That(Argon2idPhc.TryParse(text, out var phc, out var error), Is.False);
        Assert.That(phc, Is.Null);
        Assert.That(error, Does.Contain(reason));
        var hasher = new Argon2idSodiumHasher(TestSupport.Cheap);
        Assert.That(hasher.Verify("x", text ?? ""), Is.False);
        Assert.That(hasher.NeedsRehash(text ?? ""), Is.True);
        Assert.Throws<FormatException>(() => Argon2idPhc.Parse(text!));
    }

    [Test]
    public void Needs_rehash_when_any_configured_parameter_differs()
    {
        var configured = new Argon2idParameters(128, 2, 1);
        var hasher = new Argon2idSodiumHasher(configured);
        string HashWith(Argon2idParameters p) => new Argon2idManagedHasher(p).Hash("pw");
        Assert.Multiple(() =>
        {
            Assert.That(hasher.NeedsRehash(hasher.Hash("pw")), Is.False);
            Assert.That(hasher.NeedsRehash(HashWith(configured with { MemoryKiB = 256 })), Is.True);
            Assert.That(hasher.NeedsRehash(HashWith(configured with { Iterations = 1 })), Is.True);
            Assert.That(hasher.NeedsRehash(HashWith(configured with { Parallelism = 2 })), Is.True);
            Assert.That(hasher.NeedsRehash(HashWith(configured with { HashLength = 16 })), Is.True);
            Assert.That(hasher.NeedsRehash(HashWith(configured with { SaltLength = 32 })), Is.True);
        });
    }

    [Test]
    public void The_sodium_hasher_verifies_hashes_libsodium_cannot_compute_through_the_managed_code()
    {
        var foreign = new Argon2idManagedHasher(new Argon2idParameters(256, 1, 4, SaltLength: 24)).Hash("pw");
        var sodium = new Argon2idSodiumHasher(TestSupport.Cheap);
        Assert.That(sodium.Verify("pw", foreign), Is.True);
        Assert.That(sodium.Verify("pW", foreign), Is.False);
    }

    [Test]
    public void Libsodium_refuses_parameters_it_cannot_compute()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Argon2idSodiumHasher(new Argon2idParameters(256, 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Argon2idSodiumHasher(new Argon2idParameters(256, 1, 1, SaltLength: 32)));
        Assert.That(PasswordHashers.CreateDefault(new Argon2idParameters(256, 1, 2)), Is.InstanceOf<Argon2idManagedHasher>());
        Assert.Throws<ArgumentException>(() => PasswordHashers.Create("bcrypt", TestSupport.Cheap));
    }

    [TestCase(19456, 2, true)]
    [TestCase(12288, 3, true)]
    [TestCase(9216, 4, true)]
    [TestCase(7168, 5, true)]
    [TestCase(47104, 1, true)]
    [TestCase(19455, 2, false)]
    [TestCase(19456, 1, false)]
    [TestCase(7168, 4, false)]
    public void Owasp_minimum(int memoryKiB, int iterations, bool meets) =>
        Assert.That(new Argon2idParameters(memoryKiB, iterations, 1).MeetsOwaspMinimum, Is.EqualTo(meets));

    [Test]
    public async Task The_gate_never_lets_more_hashes_run_than_its_size()
    {
        using var gate = new HashingGate(2);
        var running = 0;
        var maxSeen = 0;
        var tasks = Enumerable.Range(0, 12).Select(_ => Task.Run(async () => await gate.RunAsync(0, _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxSeen, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return now;
        }))).ToArray();
        await Task.WhenAll(tasks);
        Assert.Multiple(() =>
        {
            Assert.That(maxSeen, Is.InRange(1, 2));
            Assert.That(gate.PeakInFlight, Is.EqualTo(maxSeen));
            Assert.That(gate.InFlight, Is.Zero);
            Assert.That(gate.MaxConcurrency, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_full_gate_makes_the_next_hash_wait_until_a_slot_frees()
    {
        using var gate = new HashingGate(2);
        using var release = new ManualResetEventSlim();
        var holders = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(async () => await gate.RunAsync(0, _ => release.Wait(TimeSpan.FromSeconds(30)))))
            .ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (gate.InFlight < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.That(gate.InFlight, Is.EqualTo(2));
        var third = gate.RunAsync(0, _ => gate.InFlight).AsTask();
        await Task.Delay(100);
        Assert.That(third.IsCompleted, Is.False, "a third hash started while both slots were taken");
        release.Set();
        Assert.That(await third, Is.InRange(1, 2));
        Assert.That(await Task.WhenAll(holders), Has.All.True);
        Assert.That(gate.PeakInFlight, Is.EqualTo(2));
    }

    [Test]
    public void The_gate_defaults_to_the_core_count_and_rejects_zero()
    {
        using var gate = new HashingGate();
        Assert.That(gate.MaxConcurrency, Is.EqualTo(Environment.ProcessorCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HashingGate(0));
    }

    [Test]
    public async Task A_cancelled_waiter_leaves_the_gate_usable()
    {
        using var gate = new HashingGate(1);
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(async () => await gate.RunAsync(0, _ => release.Wait(TimeSpan.FromSeconds(10))));
        while (gate.InFlight == 0)
        {
            await Task.Yield();
        }

        using var cancel = new CancellationTokenSource();
        var waiter = gate.RunAsync(0, _ => 1, cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.That(async () => await waiter, Throws.InstanceOf<OperationCanceledException>());
        release.Set();
        await holder;
        Assert.That(await gate.RunAsync(41, x => x + 1), Is.EqualTo(42));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Volatile.Read(ref target);
        }
    }
}
