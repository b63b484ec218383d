/*
 * sync.c - the git work of `kith sync`, all through libgit2: commit the
 * hand edits, fetch, merge, push.
 *
 * The merge is computed in memory first (git_merge_commits, which reads
 * the repository's .gitattributes: journal days merge as a union), with
 * "binary" as the default driver, so that every file both sides changed
 * comes back as a conflict: person files are then merged field by field
 * from their three blobs (kith_pmerge), journal days as a union, other
 * text files line by line. Only when the whole result is known does it
 * reach the work tree, through kith's one atomic write path (every file
 * written and synced before the first rename), then the index, then the
 * commit or the moved branch. A fast-forward goes the same way. Nothing
 * is written before everything is known, and a failure leaves the branch
 * where it was.
 *
 * A merge with conflicts writes the files with markers, records the
 * conflicts in the index and MERGE_HEAD last, as git does; the next sync
 * finishes it once no file has markers left.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include <git2/sys/index.h>

#define LOCAL_HEADS "refs/heads/"

struct kith_sync {
	struct kith_repo *repo;
	git_repository *git;
	struct kith_sync_options opts;
	char *branch;      /* "main" */
	char *local_ref;   /* "refs/heads/main" */
	char *remote_name; /* "origin"; NULL: the anonymous remote url */
	char *url;         /* the remote's URL */
	char *merge_ref;   /* the remote's branch: "refs/heads/main" */
	char *upstream;    /* "origin/main", for messages */
	bool added;        /* origin was added from the argument by this sync */
	bool set_upstream; /* the branch has no upstream: set it once pushed */
	git_oid theirs;    /* the remote branch, once fetched */
	bool have_theirs;
	/* dry run: the merge commits the sync would make before pushing */
	git_oid finishing; /* MERGE_HEAD of the merge it would finish */
	bool would_commit, would_finish, would_merge;
	/* one transfer's state */
	int ssh_tries;
	bool pass_tried;
	int progress_key;
	char progress_text[96]; /* the last line shown */
	char *push_status; /* the remote's word on the pushed ref */
};

static int
oom(void)
{
	return kith_error_set(KITH_ERROR, "out of memory");
}

/* ---- paths ---- */

static int
paths_add(struct kith_paths *p, const char *path)
{
	char **v = realloc(p->v, (p->n + 1) * sizeof *v);

	if (!v)
		return oom();
	p->v = v;
	if (!(p->v[p->n] = strdup(path)))
		return oom();
	p->n++;
	return 0;
}

static bool
paths_has(const struct kith_paths *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i], path) == 0)
			return true;
	return false;
}

void
kith_paths_free(struct kith_paths *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void
kith_sync_merge_free(struct kith_sync_merge *m)
{
	kith_paths_free(&m->conflicts);
	kith_paths_free(&m->kept);
}

static bool
is_person(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "people/", 7) == 0 && !strchr(path + 7, '/') &&
		n > 10 && strcmp(path + n - 3, ".md") == 0;
}

static bool
is_journal(const char *path)
{
	return strncmp(path, "journal/", 8) == 0;
}

/* ---- the branch and the remote ---- */

static int
find_branch(struct kith_sync *s)
{
	git_reference *head = NULL;
	const char *target;
	int rc = 0;

	if (git_reference_lookup(&head, s->git, "HEAD") < 0)
		return kith_error_git(KITH_ERROR, "cannot read HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC ||
	    strncmp((target = git_reference_symbolic_target(head)),
	    LOCAL_HEADS, strlen(LOCAL_HEADS)) != 0)
		rc = kith_error_set(KITH_EINVALID, "HEAD is detached: switch to "
			"a branch ('git switch main'), then sync");
	else if (!(s->local_ref = strdup(target)) ||
	    !(s->branch = strdup(target + strlen(LOCAL_HEADS))))
		rc = oom();
	git_reference_free(head);
	return rc;
}

static bool
remote_exists(struct kith_sync *s, const char *name)
{
	git_remote *r = NULL;

	if (git_remote_lookup(&r, s->git, name) < 0) {
		git_error_clear();
		return false;
	}
	git_remote_free(r);
	return true;
}

/* branch.<b>.remote and branch.<b>.merge, or NULLs. */
static int
upstream_config(char **remote, char **merge, struct kith_sync *s)
{
	git_buf r = GIT_BUF_INIT, m = GIT_BUF_INIT;
	int rc = 0;

	*remote = *merge = NULL;
	if (git_branch_upstream_remote(&r, s->git, s->local_ref) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_branch_upstream_merge(&m, s->git, s->local_ref) < 0)
		git_error_clear();
	if (!(*remote = strdup(r.ptr)) || (m.ptr && !(*merge = strdup(m.ptr))))
		rc = oom();
	git_buf_dispose(&r);
	git_buf_dispose(&m);
	return rc;
}

/* "host:path" as scp writes it (a colon before any slash). */
static bool
scp_like(const char *s)
{
	const char *colon = strchr(s, ':'), *slash = strchr(s, '/');

	return colon && colon != s && (!slash || colon < slash);
}

static bool
looks_like_url(const char *s)
{
	struct stat st;

	return strstr(s, "://") || strchr(s, '/') || s[0] == '.' ||
		s[0] == '~' || scp_like(s) || stat(s, &st) == 0;
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	return (pw = getpwuid(getuid())) ? pw->pw_dir : NULL;
}

/* The URL to record: a local path made absolute, "~/" expanded. */
static char *
remote_url(const char *arg)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *home;
	char *abs;

	if (strstr(arg, "://") || scp_like(arg))
		return strdup(arg);
	if (arg[0] == '~' && arg[1] == '/' && (home = home_dir())) {
		if (kith_buf_printf(&b, "%s%s", home, arg + 1) < 0)
			return NULL;
		arg = b.ptr;
	}
	abs = realpath(arg, NULL);
	if (!abs)
		abs = strdup(arg);
	kith_buf_free(&b);
	return abs;
}

static int
no_remote(void)
{
	return kith_error_set(KITH_EINVALID, "no remote to sync with: add "
		"one with 'git remote add origin URL', or give it once as "
		"'kith sync URL'");
}

/* A URL or path argument: origin, unless origin points elsewhere. */
static int
remote_from_url(struct kith_sync *s, const char *arg, char **name)
{
	git_remote *r = NULL;
	char *url = remote_url(arg);
	int rc = 0;

	if (!url)
		return oom();
	if (git_remote_lookup(&r, s->git, "origin") == 0) {
		const char *have = git_remote_url(r);
		if (have && strcmp(have, url) != 0 && strcmp(have, arg) != 0)
			rc = kith_error_set(KITH_EINVALID, "remote 'origin' "
				"already points to '%s': add '%s' under another "
				"name ('git remote add NAME %s') and run 'kith sync "
				"NAME'", have, arg, arg);
		else if (!(*name = strdup("origin")))
			rc = oom();
		git_remote_free(r);
	} else if (s->opts.dry_run) {
		git_error_clear();
		s->url = url;
		return 0;
	} else if (git_remote_create(&r, s->git, "origin", url) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot add the remote 'origin'");
	} else {
		git_remote_free(r);
		s->added = true;
		if (!(*name = strdup("origin")))
			rc = oom();
	}
	free(url);
	return rc;
}

/* "origin/main", or "main of 'URL'" for a remote without a name. */
static int
describe(struct kith_sync *s)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *ref = s->merge_ref;
	int rc;

	if (strncmp(ref, LOCAL_HEADS, strlen(LOCAL_HEADS)) == 0)
		ref += strlen(LOCAL_HEADS);
	rc = s->remote_name ? kith_buf_printf(&b, "%s/%s", s->remote_name, ref) :
		kith_buf_printf(&b, "%s of '%s'", ref, s->url);
	s->upstream = b.ptr;
	return rc < 0 ? oom() : 0;
}

/* Which remote, by the rules of kith-sync(1). */
static int
choose_remote(struct kith_sync *s, char **name, char **merge,
	char *up_remote, char *up_merge)
{
	const char *arg = s->opts.remote;

	if (!arg || !*arg) {
		if (up_remote) {
			*name = strdup(up_remote);
			*merge = up_merge ? strdup(up_merge) : NULL;
		} else if (remote_exists(s, "origin")) {
			*name = strdup("origin");
		} else {
			return no_remote();
		}
	} else if (remote_exists(s, arg)) {
		*name = strdup(arg);
		if (up_remote && up_merge && strcmp(up_remote, arg) == 0)
			*merge = strdup(up_merge);
	} else if (looks_like_url(arg)) {
		return remote_from_url(s, arg, name);
	} else {
		return kith_error_set(KITH_EINVALID, "no remote '%s': give a "
			"remote's name ('git remote' lists them), a URL or a path",
			arg);
	}
	return *name ? 0 : oom();
}

static int
find_remote(struct kith_sync *s)
{
	char *up_remote, *up_merge, *name = NULL, *merge = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	git_remote *r = NULL;
	int rc;

	if ((rc = upstream_config(&up_remote, &up_merge, s)) < 0)
		return rc;
	if (up_remote && strcmp(up_remote, ".") == 0) {
		free(up_remote);
		up_remote = NULL;
	}
	rc = choose_remote(s, &name, &merge, up_remote, up_merge);
	s->set_upstream = !up_remote;
	free(up_remote);
	free(up_merge);
	if (rc < 0)
		goto out;
	s->remote_name = name;
	name = NULL;
	if (!merge && kith_buf_printf(&b, "%s%s", LOCAL_HEADS, s->branch) < 0) {
		rc = oom();
		goto out;
	}
	s->merge_ref = merge ? merge : b.ptr;
	merge = NULL;
	if (s->remote_name) {
		if (git_remote_lookup(&r, s->git, s->remote_name) < 0) {
			rc = kith_error_git(KITH_ERROR, "cannot read the remote");
			goto out;
		}
		if (!s->url && !(s->url = strdup(git_remote_url(r) ?
		    git_remote_url(r) : ""))) {
			rc = oom();
			goto out;
		}
	}
	rc = describe(s);
out:
	git_remote_free(r);
	free(name);
	free(merge);
	return rc;
}

int
kith_sync_open(struct kith_sync **out, struct kith_repo *repo,
	const struct kith_sync_options *opts)
{
	struct kith_sync *s = calloc(1, sizeof *s);
	int rc;

	*out = NULL;
	if (!s)
		return oom();
	s->repo = repo;
	s->git = kith_repo_git(repo);
	s->opts = *opts;
	s->progress_key = -1;
	if ((rc = find_branch(s)) < 0 || (rc = find_remote(s)) < 0) {
		kith_sync_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
kith_sync_free(struct kith_sync *s)
{
	if (!s)
		return;
	free(s->branch);
	free(s->local_ref);
	free(s->remote_name);
	free(s->url);
	free(s->merge_ref);
	free(s->upstream);
	free(s->push_status);
	free(s);
}

const char *
kith_sync_upstream(const struct kith_sync *s)
{
	return s->upstream;
}

/* ---- ssh host keys: ~/.ssh/known_hosts ---- */

/*
 * libgit2 1.5 checks no ssh host key by itself: it trusts whatever key
 * a server shows unless a certificate callback says otherwise. So kith
 * checks the key against known_hosts as ssh does, hashed host names
 * (HashKnownHosts, Debian's default) included.
 */

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

static uint32_t
rol(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

static void
sha1_block(struct sha1 *c, const unsigned char *p)
{
	uint32_t w[80], a = c->h[0], b = c->h[1], d = c->h[3], e = c->h[4];
	uint32_t cc = c->h[2];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			(uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (b & cc) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ cc ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & cc) | (b & d) | (cc & d), k = 0x8F1BBCDC;
		else
			f = b ^ cc ^ d, k = 0xCA62C1D6;
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d, d = cc, cc = rol(b, 30), b = a, a = t;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d, c->h[4] += e;
}

static void
sha1_init(struct sha1 *c)
{
	static const uint32_t h0[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE,
		0x10325476, 0xC3D2E1F0 };

	memcpy(c->h, h0, sizeof h0);
	c->len = 0;
	c->n = 0;
}

static void
sha1_put(struct sha1 *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	c->len += len;
	while (len--) {
		c->buf[c->n++] = *p++;
		if (c->n == 64) {
			sha1_block(c, c->buf);
			c->n = 0;
		}
	}
}

static void
sha1_end(struct sha1 *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, l[8];

	sha1_put(c, &pad, 1);
	while (c->n != 56)
		sha1_put(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		l[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_put(c, l, 8);
	for (int i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* HMAC-SHA1(key, msg), as known_hosts hashes a host name with its salt. */
static void
hmac_sha1(unsigned char out[20], const unsigned char *key, size_t klen,
	const char *msg, size_t mlen)
{
	unsigned char k[64] = { 0 }, pad[64], inner[20];
	struct sha1 c;

	if (klen > 64) {
		sha1_init(&c);
		sha1_put(&c, key, klen);
		sha1_end(&c, k);
	} else {
		memcpy(k, key, klen);
	}
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha1_init(&c);
	sha1_put(&c, pad, 64);
	sha1_put(&c, msg, mlen);
	sha1_end(&c, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha1_init(&c);
	sha1_put(&c, pad, 64);
	sha1_put(&c, inner, 20);
	sha1_end(&c, out);
}

/* Decode base64 s[0..n) into out (room for n bytes); its length or -1. */
static ptrdiff_t
base64(unsigned char *out, const char *s, size_t n)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	ptrdiff_t len = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *c = memchr(abc, s[i], 64);
		if (!c || !s[i])
			return -1;
		acc = acc << 6 | (uint32_t)(c - abc);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return len;
}

/* Whether one host pattern of a known_hosts line matches name. */
static bool
host_matches(const char *pat, size_t n, const char *name)
{
	if (n > 3 && strncmp(pat, "|1|", 3) == 0) {
		const char *bar = memchr(pat + 3, '|', n - 3);
		unsigned char salt[64], hash[64], mac[20];
		ptrdiff_t sl, hl;
		if (!bar || (size_t)(bar - pat - 3) > sizeof salt ||
		    (size_t)(pat + n - bar - 1) > sizeof hash)
			return false;
		sl = base64(salt, pat + 3, (size_t)(bar - pat - 3));
		hl = base64(hash, bar + 1, (size_t)(pat + n - bar - 1));
		if (sl <= 0 || hl != 20)
			return false;
		hmac_sha1(mac, salt, (size_t)sl, name, strlen(name));
		return memcmp(mac, hash, 20) == 0;
	}
	char buf[512];
	if (n >= sizeof buf)
		return false;
	memcpy(buf, pat, n);
	buf[n] = '\0';
	/* "[host]:port" is a name, not a bracket expression */
	if (!strpbrk(buf, "*?"))
		return strcmp(buf, name) == 0;
	return fnmatch(buf, name, 0) == 0;
}

/* The host's entry on one line: 1 listed, -1 negated, 0 not there. */
static int
hosts_match(const char *hosts, size_t n, const char *name)
{
	int found = 0;

	for (size_t i = 0; i < n; ) {
		size_t j = i;
		while (j < n && hosts[j] != ',')
			j++;
		bool neg = hosts[i] == '!';
		if (host_matches(hosts + i + neg, j - i - neg, name)) {
			if (neg)
				return -1;
			found = 1;
		}
		i = j + 1;
	}
	return found;
}

/* Check the key in one known_hosts file: 1 good, -1 bad or revoked, 0 none. */
static int
known_key(const char *file, const char *name, const git_cert_hostkey *cert,
	bool *listed)
{
	char *text = NULL, *line, *save;
	size_t len;
	int verdict = 0;

	if (kith_file_read(&text, &len, file) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { NULL };
		int nf = 0;
		bool revoked = false;
		for (char *t = strtok(line, " \t"); t && nf < 4; t = strtok(NULL, " \t"))
			f[nf++] = t;
		if (nf < 3 || f[0][0] == '#')
			continue;
		if (f[0][0] == '@') {
			if (strcmp(f[0], "@revoked") != 0 || nf < 4)
				continue;
			revoked = true;
			memmove(f, f + 1, 3 * sizeof *f);
		}
		if (hosts_match(f[0], strlen(f[0]), name) <= 0)
			continue;
		size_t kl = strlen(f[2]);
		unsigned char *key = malloc(kl + 1);
		if (!key)
			break;
		ptrdiff_t n = base64(key, f[2], kl);
		bool same = n == (ptrdiff_t)cert->hostkey_len &&
			memcmp(key, cert->hostkey, (size_t)n) == 0;
		free(key);
		if (revoked && same) {
			verdict = -1;
			break;
		}
		if (!revoked) {
			*listed = true;
			if (same)
				verdict = 1;
		}
	}
	free(text);
	return verdict;
}

/* The port of an ssh URL, or 22. */
static int
url_port(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return 22;
	p += 3;
	const char *slash = strchr(p, '/'), *at = strchr(p, '@');
	if (at && (!slash || at < slash))
		p = at + 1;
	if (*p == '[' && (p = strchr(p, ']')))
		p++;
	const char *colon = p ? strchr(p, ':') : NULL;
	if (!colon || (slash && colon > slash))
		return 22;
	return atoi(colon + 1) > 0 ? atoi(colon + 1) : 22;
}

static int
certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
	struct kith_sync *s = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
	struct kith_buf file = KITH_BUF_INIT, name = KITH_BUF_INIT;
	const char *home = home_dir();
	bool listed = false;
	int port = url_port(s->url), v = 0;

	(void)valid;
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return GIT_PASSTHROUGH; /* TLS: libgit2 checks it */
	if (!(hk->type & GIT_CERT_SSH_RAW)) {
		git_error_set_str(GIT_ERROR_SSH, "the server's host key cannot "
			"be checked");
		return GIT_ECERTIFICATE;
	}
	if ((port == 22 ? kith_buf_puts(&name, host) :
	    kith_buf_printf(&name, "[%s]:%d", host, port)) < 0)
		return GIT_ERROR;
	if (home && kith_buf_printf(&file, "%s/.ssh/known_hosts", home) == 0)
		v = known_key(file.ptr, name.ptr, hk, &listed);
	if (v == 0)
		v = known_key("/etc/ssh/ssh_known_hosts", name.ptr, hk, &listed);
	kith_buf_free(&file);
	if (v > 0) {
		kith_buf_free(&name);
		return 0;
	}
	git_error_set_str(GIT_ERROR_SSH, v < 0 ? "the server's host key is "
		"revoked in known_hosts" : listed ? "the server's host key is not "
		"the one in ~/.ssh/known_hosts (someone may be impersonating it)" :
		"the server's host key is unknown: connect once with ssh to check "
		"and add it to ~/.ssh/known_hosts");
	kith_buf_free(&name);
	return GIT_ECERTIFICATE;
}

/* ---- credentials and progress ---- */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/*
 * ssh: the agent, then ~/.ssh/id_ed25519 and ~/.ssh/id_rsa (without a
 * passphrase); https: KITH_GIT_USERNAME and KITH_GIT_PASSWORD (or
 * KITH_GIT_TOKEN). Each is tried once; nothing ever prompts.
 */
static int
credentials(git_credential **out, const char *url, const char *user_from_url,
	unsigned int allowed, void *payload)
{
	static const char *const keys[] = { "id_ed25519", "id_rsa" };
	struct kith_sync *s = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url : NULL;

	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		const char *u = user ? user : "git", *home = home_dir();
		while (s->ssh_tries < 3) {
			int t = s->ssh_tries++;
			if (t == 0) {
				if (env("SSH_AUTH_SOCK"))
					return git_credential_ssh_key_from_agent(out, u);
				continue;
			}
			struct kith_buf priv = KITH_BUF_INIT, pub = KITH_BUF_INIT;
			struct stat st;
			int rc = 1;
			if (home && kith_buf_printf(&priv, "%s/.ssh/%s", home,
			    keys[t - 1]) == 0 && stat(priv.ptr, &st) == 0 &&
			    kith_buf_printf(&pub, "%s.pub", priv.ptr) == 0)
				rc = git_credential_ssh_key_new(out, u,
					stat(pub.ptr, &st) == 0 ? pub.ptr : NULL,
					priv.ptr, NULL);
			kith_buf_free(&priv);
			kith_buf_free(&pub);
			if (rc <= 0)
				return rc;
		}
	}
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !s->pass_tried) {
		const char *pw = env("KITH_GIT_PASSWORD");
		const char *u = env("KITH_GIT_USERNAME");
		s->pass_tried = true;
		if (!pw)
			pw = env("KITH_GIT_TOKEN");
		if (pw)
			return git_credential_userpass_plaintext_new(out,
				u ? u : user ? user : "git", pw);
	}
	(void)url;
	git_error_set_str(GIT_ERROR_NET, "no credentials were accepted");
	return GIT_EAUTH;
}

static void
progress(struct kith_sync *s, int step, const char *what, unsigned done,
	unsigned total)
{
	char text[96];
	unsigned pct = total ? (unsigned)(100ULL * done / total) : 100;
	int key = step * 1000 + (int)pct;

	if (key == s->progress_key)
		return;
	s->progress_key = key;
	snprintf(text, sizeof text, "%s: %3u%% (%u/%u)", what, pct, done, total);
	memcpy(s->progress_text, text, sizeof text);
	s->opts.progress(text, false, s->opts.payload);
}

static void
progress_end(struct kith_sync *s)
{
	if (s->opts.progress && s->progress_key >= 0)
		s->opts.progress(s->progress_text, true, s->opts.payload);
	s->progress_key = -1;
}

static int
fetch_progress(const git_indexer_progress *st, void *payload)
{
	if (st->total_objects == 0)
		return 0;
	if (st->received_objects < st->total_objects || !st->total_deltas)
		progress(payload, 1, "receiving objects", st->received_objects,
			st->total_objects);
	else
		progress(payload, 2, "resolving deltas", st->indexed_deltas,
			st->total_deltas);
	return 0;
}

static int
push_progress(unsigned current, unsigned total, size_t bytes, void *payload)
{
	(void)bytes;
	if (total)
		progress(payload, 3, "writing objects", current, total);
	return 0;
}

static int
push_status(const char *ref, const char *status, void *payload)
{
	struct kith_sync *s = payload;

	(void)ref;
	if (status && !s->push_status && !(s->push_status = strdup(status)))
		return -1;
	return 0;
}

static void
callbacks(git_remote_callbacks *cb, struct kith_sync *s)
{
	cb->credentials = credentials;
	cb->certificate_check = certificate_check;
	cb->payload = s;
	if (s->opts.progress) {
		cb->transfer_progress = fetch_progress;
		cb->push_transfer_progress = push_progress;
	}
	s->ssh_tries = 0;
	s->pass_tried = false;
	s->progress_key = -1;
}

/* A failed transfer, in words that say what to do. */
static int
transfer_error(struct kith_sync *s, int err, const char *verb)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	const char *name = s->remote_name ? s->remote_name : s->url;

	progress_end(s);
	if (err == GIT_EAUTH)
		return kith_error_set(KITH_ERROR, "cannot %s '%s' (%s): "
			"authentication refused: %s: for ssh, load your key into "
			"ssh-agent or keep it in ~/.ssh/id_ed25519 or id_rsa; for "
			"https, set KITH_GIT_USERNAME and KITH_GIT_PASSWORD (or "
			"KITH_GIT_TOKEN)", verb, name, s->url, msg);
	if (err == GIT_ECERTIFICATE)
		return kith_error_set(KITH_ERROR, "cannot %s '%s' (%s): %s",
			verb, name, s->url, msg);
	if (err == GIT_EBAREREPO)
		return kith_error_set(KITH_ERROR, "cannot %s '%s' (%s): it has a "
			"work tree, and only a bare repository takes a push: sync "
			"through one ('git init --bare')", verb, name, s->url);
	return kith_error_set(KITH_ERROR, "cannot %s '%s' (%s): %s: check "
		"its URL ('git remote -v') and the network, then sync again",
		verb, name, s->url, msg);
}

/* ---- fetch ---- */

/*
 * The remote to talk to: the named one, or (dry run, or a URL without a
 * remote) an anonymous one for its URL, which updates no ref.
 */
static int
open_remote(git_remote **out, struct kith_sync *s, bool anonymous)
{
	int err = anonymous || !s->remote_name ?
		git_remote_create_anonymous(out, s->git, s->url) :
		git_remote_lookup(out, s->git, s->remote_name);

	return err < 0 ? kith_error_git(KITH_ERROR, "cannot open the remote") : 0;
}

/* Where the remote's branch is, from what it advertised. */
static int
remote_tip(struct kith_sync *s, git_remote *r)
{
	const git_remote_head **heads;
	size_t n;

	s->have_theirs = false;
	if (git_remote_ls(&heads, &n, r) < 0)
		return kith_error_git(KITH_ERROR, "cannot list the remote's branches");
	for (size_t i = 0; i < n; i++)
		if (strcmp(heads[i]->name, s->merge_ref) == 0) {
			git_oid_cpy(&s->theirs, &heads[i]->oid);
			s->have_theirs = true;
		}
	return 0;
}

static bool
have_object(struct kith_sync *s, const git_oid *id)
{
	git_odb *odb = NULL;
	bool yes = git_repository_odb(&odb, s->git) == 0 &&
		git_odb_exists(odb, id);

	git_odb_free(odb);
	return yes;
}

static int
fetch_with(struct kith_sync *s, git_remote *r, bool explicit_ref)
{
	git_fetch_options fo;
	char *spec = s->merge_ref;
	git_strarray specs = { &spec, 1 };
	bool dry = s->opts.dry_run || !s->remote_name;
	int err;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(&fo.callbacks, s);
	fo.proxy_opts.type = GIT_PROXY_AUTO;
	if (dry) {
		fo.update_fetchhead = 0;
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	}
	err = git_remote_fetch(r, dry || explicit_ref ? &specs : NULL, &fo,
		"kith sync: fetch");
	if (err < 0)
		return transfer_error(s, err, "fetch from");
	progress_end(s);
	return remote_tip(s, r);
}

int
kith_sync_fetch(struct kith_sync *s)
{
	git_remote *r = NULL;
	int rc;

	if ((rc = open_remote(&r, s, s->opts.dry_run)) < 0)
		return rc;
	rc = fetch_with(s, r, false);
	/* refspecs that leave the branch out: fetch it by name */
	if (!rc && s->have_theirs && !have_object(s, &s->theirs))
		rc = fetch_with(s, r, true);
	if (!rc && s->have_theirs && !have_object(s, &s->theirs))
		rc = kith_error_set(KITH_ERROR, "the fetch from '%s' did not "
			"bring '%s': check the remote's fetch refspecs ('git "
			"config --get-all remote.%s.fetch')", s->url, s->merge_ref,
			s->remote_name ? s->remote_name : "origin");
	if (rc < 0 && s->added) {
		/* an origin that cannot be fetched is not worth keeping */
		git_remote_delete(s->git, "origin");
		s->added = false;
	}
	git_remote_free(r);
	return rc;
}

/* ---- writing a tree into the work tree ---- */

/* Whether the work tree's path holds exactly blob id (or nothing, if NULL). */
static bool
same_content(struct kith_sync *s, const char *path, const git_oid *id)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	git_oid have;
	bool same;

	if (kith_repo_path(&abs, s->repo, path) < 0)
		return false;
	if (lstat(abs.ptr, &st) < 0)
		same = !id && errno == ENOENT;
	else
		same = id && S_ISREG(st.st_mode) &&
			git_odb_hashfile(&have, abs.ptr, GIT_OBJECT_BLOB) == 0 &&
			git_oid_equal(&have, id);
	kith_buf_free(&abs);
	return same;
}

/*
 * The merge may only change files that have no changes of their own
 * (as git's safe checkout): else the user's edit would be lost.
 */
static int
check_untouched(struct kith_sync *s, const git_diff_delta *d)
{
	const char *path = d->new_file.path;
	unsigned flags = 0;
	int err = git_status_file(&flags, s->git, path);

	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err < 0)
		return kith_error_git(KITH_ERROR, "cannot look at the work tree");
	if (flags == GIT_STATUS_CURRENT)
		return 0;
	if ((flags & (GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED)) &&
	    same_content(s, path, d->status == GIT_DELTA_DELETED ? NULL :
	    &d->new_file.id))
		return 0;
	return kith_error_set(KITH_ERROR, "'%s' has changes that are not "
		"committed, and the sync would change it: commit them with git "
		"(or undo them), then sync again", path);
}

static bool
regular(uint16_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/*
 * Make the work tree and the index show to (from what shows from, NULL
 * for the empty tree): the changed files through the atomic write path,
 * then their index entries.
 */
static int
write_tree(struct kith_sync *s, git_tree *from, git_tree *to)
{
	git_diff_options dopts;
	git_diff *diff = NULL;
	git_blob **blobs = NULL;
	struct kith_change *ch = NULL;
	git_index *idx = NULL;
	size_t n = 0;
	int rc = 0;

	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(&diff, s->git, from, to, &dopts) < 0)
		return kith_error_git(KITH_ERROR, "cannot compare trees");
	n = git_diff_num_deltas(diff);
	blobs = calloc(n + 1, sizeof *blobs);
	ch = calloc(n + 1, sizeof *ch);
	if (!blobs || !ch) {
		rc = oom();
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		ch[i].path = d->new_file.path;
		if ((rc = check_untouched(s, d)) < 0)
			break;
		if (d->status == GIT_DELTA_DELETED)
			continue;
		if (!regular(d->new_file.mode) || (d->status != GIT_DELTA_ADDED &&
		    !regular(d->old_file.mode)))
			rc = kith_error_set(KITH_ERROR, "cannot sync '%s': it is not "
				"a regular file: merge with git", d->new_file.path);
		else if (git_blob_lookup(&blobs[i], s->git, &d->new_file.id) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot read a file to write");
		else {
			ch[i].data = git_blob_rawcontent(blobs[i]);
			ch[i].len = (size_t)git_blob_rawsize(blobs[i]);
			if (!ch[i].data)
				ch[i].data = "";
		}
	}
	if (rc < 0 || n == 0 || (rc = kith_repo_apply_ext(s->repo, ch, n, NULL,
	    KITH_APPLY_NOCOMMIT | KITH_APPLY_ANYPATH | KITH_APPLY_DOTFILES)) < 0)
		goto out;
	if (git_repository_index(&idx, s->git) < 0 || git_index_read(idx, 0) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read the index");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		if ((ch[i].data ? git_index_add_bypath(idx, ch[i].path) :
		    git_index_remove_bypath(idx, ch[i].path)) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot update the index");
	if (!rc && git_index_write(idx) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot write the index");
out:
	for (size_t i = 0; blobs && i < n; i++)
		git_blob_free(blobs[i]);
	free(blobs);
	free(ch);
	git_index_free(idx);
	git_diff_free(diff);
	return rc;
}

/* ---- the merge, in memory ---- */

/* A file kith merged itself: what the work tree gets, and its conflict. */
struct resolved {
	char *path;
	char *data;
	size_t len;
	bool conflict;
	git_index_entry e[3];  /* ancestor, ours, theirs as in the conflict */
	bool has[3];
	char *paths[3];
};

struct merged {
	git_index *idx;          /* the merge: stage 0 only once resolved */
	struct resolved *v;
	size_t n;
	git_oid tree;            /* what the work tree shows */
};

static void
merged_free(struct merged *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].data);
		for (int k = 0; k < 3; k++)
			free(m->v[i].paths[k]);
	}
	free(m->v);
	git_index_free(m->idx);
	memset(m, 0, sizeof *m);
}

static int
blob_text(char **out, size_t *len, struct kith_sync *s, const git_index_entry *e)
{
	git_blob *b = NULL;

	*out = NULL;
	*len = 0;
	if (!e)
		return 0;
	if (git_blob_lookup(&b, s->git, &e->id) < 0)
		return kith_error_git(KITH_ERROR, "cannot read a file to merge");
	*len = (size_t)git_blob_rawsize(b);
	*out = kith_strndup(git_blob_rawcontent(b), *len);
	git_blob_free(b);
	return *out ? 0 : oom();
}

static bool
has_nul(const char *s, size_t n)
{
	return s && memchr(s, '\0', n) != NULL;
}

/* Merge one file both sides changed: person, journal day or other text. */
static int
resolve_text(struct kith_sync *s, struct resolved *r)
{
	const git_index_entry *a = r->has[0] ? &r->e[0] : NULL;
	char *bt = NULL, *ot = NULL, *tt = NULL;
	size_t bl, ol, tl, nc = 0;
	int rc;

	if ((rc = blob_text(&bt, &bl, s, a)) < 0 ||
	    (rc = blob_text(&ot, &ol, s, &r->e[1])) < 0 ||
	    (rc = blob_text(&tt, &tl, s, &r->e[2])) < 0)
		goto out;
	if (has_nul(bt, bl) || has_nul(ot, ol) || has_nul(tt, tl)) {
		/* binary: ours stays, and the conflict is git's to solve */
		r->data = ot;
		r->len = ol;
		ot = NULL;
		r->conflict = true;
	} else if (is_person(r->path)) {
		rc = kith_pmerge(&r->data, &r->len, &nc, bt, bl, ot, ol, tt, tl);
		r->conflict = nc > 0;
	} else if (is_journal(r->path)) {
		rc = kith_union_merge(&r->data, &r->len, bt, bl, ot, ol, tt, tl);
	} else {
		git_merge_file_options fo;
		git_merge_file_result res = { 0 };
		git_merge_file_options_init(&fo, GIT_MERGE_FILE_OPTIONS_VERSION);
		fo.our_label = "ours";
		fo.their_label = "theirs";
		if (git_merge_file_from_index(&res, s->git, a, &r->e[1], &r->e[2],
		    &fo) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot merge a file");
		else if (!(r->data = kith_strndup(res.ptr ? res.ptr : "", res.len)))
			rc = oom();
		r->len = res.len;
		r->conflict = !res.automergeable;
		git_merge_file_result_free(&res);
	}
out:
	free(bt);
	free(ot);
	free(tt);
	return rc;
}

/* The conflicts git_merge_commits left, copied out of its index. */
static int
collect_conflicts(struct merged *m)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *e[3];
	int err, rc = 0;

	if (git_index_conflict_iterator_new(&it, m->idx) < 0)
		return kith_error_git(KITH_ERROR, "cannot read the merge");
	while ((err = git_index_conflict_next(&e[0], &e[1], &e[2], it)) == 0) {
		struct resolved *v = realloc(m->v, (m->n + 1) * sizeof *v), *r;
		if (!v) {
			rc = oom();
			break;
		}
		m->v = v;
		r = memset(&m->v[m->n++], 0, sizeof *r);
		for (int k = 0; k < 3; k++) {
			if (!e[k])
				continue;
			r->e[k] = *e[k];
			r->has[k] = true;
			if (!(r->paths[k] = strdup(e[k]->path))) {
				rc = oom();
				break;
			}
			r->e[k].path = r->paths[k];
		}
		if (rc)
			break;
		if (!(r->path = strdup(r->has[1] ? r->paths[1] : r->paths[2]))) {
			rc = oom();
			break;
		}
	}
	if (!rc && err != GIT_ITEROVER)
		rc = kith_error_git(KITH_ERROR, "cannot read the merge");
	git_index_conflict_iterator_free(it);
	return rc;
}

/*
 * The journal days git merged with its union driver (.gitattributes),
 * merged again by kith_union_merge, which keeps a blank line between
 * the entries both sides appended (git's union drops it).
 */
static int
rejoin_days(struct merged *m, struct kith_sync *s, bool dry)
{
	int rc = 0;

	for (size_t i = 0; i < git_index_reuc_entrycount(m->idx) && !rc; i++) {
		const git_index_reuc_entry *u = git_index_reuc_get_byindex(m->idx, i);
		git_index_entry e[3];
		const git_index_entry *now;
		char *bt = NULL, *ot = NULL, *tt = NULL, *data = NULL;
		size_t bl, ol, tl, len;

		/* only days both sides changed, each its own way */
		if (!u || !is_journal(u->path) || !u->mode[1] || !u->mode[2] ||
		    git_oid_equal(&u->oid[1], &u->oid[2]) || (u->mode[0] &&
		    (git_oid_equal(&u->oid[0], &u->oid[1]) ||
		    git_oid_equal(&u->oid[0], &u->oid[2]))) ||
		    !(now = git_index_get_bypath(m->idx, u->path, 0)))
			continue;
		for (int k = 0; k < 3; k++)
			e[k] = (git_index_entry){ .mode = u->mode[k], .id = u->oid[k],
				.path = u->path };
		if ((rc = blob_text(&bt, &bl, s, u->mode[0] ? &e[0] : NULL)) == 0 &&
		    (rc = blob_text(&ot, &ol, s, &e[1])) == 0 &&
		    (rc = blob_text(&tt, &tl, s, &e[2])) == 0 &&
		    !has_nul(bt, bl) && !has_nul(ot, ol) && !has_nul(tt, tl) &&
		    (rc = kith_union_merge(&data, &len, bt, bl, ot, ol, tt, tl)) == 0 &&
		    !dry) {
			git_index_entry ne = *now;
			ne.path = u->path;
			if (git_blob_create_from_buffer(&ne.id, s->git, data, len) < 0 ||
			    git_index_add(m->idx, &ne) < 0)
				rc = kith_error_git(KITH_ERROR, "cannot merge a journal day");
		}
		free(bt);
		free(ot);
		free(tt);
		free(data);
	}
	return rc;
}

/*
 * The merge of ours and theirs: the files git could not merge resolved
 * by kith (conflicts marked in them), and, unless dry, the tree the work
 * tree is to show. kept gets the files one side deleted and the other
 * changed (the changed one is kept).
 */
static int
merge_commits(struct merged *m, struct kith_sync *s, git_commit *ours,
	git_commit *theirs, struct kith_paths *kept, bool dry)
{
	git_merge_options mo;
	int rc;

	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	memset(m, 0, sizeof *m);
	mo.default_driver = "binary";
	if (git_merge_commits(&m->idx, s->git, ours, theirs, &mo) < 0)
		return kith_error_git(KITH_ERROR, "cannot merge");
	if ((rc = collect_conflicts(m)) < 0 || (rc = rejoin_days(m, s, dry)) < 0)
		return rc;
	for (size_t i = 0; i < m->n; i++) {
		struct resolved *r = &m->v[i];
		int side = r->has[1] && r->has[2] ? 0 : r->has[1] ? 1 : 2;
		uint16_t mode = r->e[side ? side : 1].mode;
		if (!regular(mode) || (side == 0 && !regular(r->e[2].mode)))
			return kith_error_set(KITH_ERROR, "cannot merge '%s': it is "
				"not a regular file: merge with git", r->path);
		if (side == 0)
			rc = resolve_text(s, r);
		else if (!(rc = blob_text(&r->data, &r->len, s, &r->e[side])))
			rc = paths_add(kept, r->path);
		if (rc < 0)
			return rc;
		if (dry)
			continue;
		for (int k = 0; k < 3; k++) {
			int err = r->has[k] ? git_index_conflict_remove(m->idx,
				r->paths[k]) : 0;
			if (err < 0 && err != GIT_ENOTFOUND)
				return kith_error_git(KITH_ERROR, "cannot resolve a conflict");
		}
		git_error_clear();
		git_index_entry e = { .mode = mode, .path = r->path };
		if (git_blob_create_from_buffer(&e.id, s->git, r->data, r->len) < 0 ||
		    git_index_add(m->idx, &e) < 0)
			return kith_error_git(KITH_ERROR, "cannot resolve a conflict");
	}
	if (!dry && git_index_write_tree_to(&m->tree, m->idx, s->git) < 0)
		return kith_error_git(KITH_ERROR, "cannot write the merged tree");
	return 0;
}

/* ---- git's merge state files ---- */

static int
write_git_file(struct kith_sync *s, const char *name, const char *text)
{
	struct kith_buf path = KITH_BUF_INIT, tmp = KITH_BUF_INIT;
	size_t len = strlen(text);
	int fd = -1, rc = 0;

	if (kith_buf_printf(&path, "%s%s", git_repository_path(s->git), name) < 0 ||
	    kith_buf_printf(&tmp, "%s.kith-tmp", path.ptr) < 0)
		return oom();
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 ||
	    close(fd) < 0 || (fd = -1, rename(tmp.ptr, path.ptr) < 0)) {
		rc = kith_error_errno(KITH_ERROR, "cannot write '.git/%s'", name);
		if (fd >= 0)
			close(fd);
		unlink(tmp.ptr);
	}
	kith_buf_free(&path);
	kith_buf_free(&tmp);
	return rc;
}

static char *
merge_message(struct kith_sync *s)
{
	struct kith_buf b = KITH_BUF_INIT;

	return kith_buf_printf(&b, "sync: merge %s\n", s->upstream) < 0 ?
		NULL : b.ptr;
}

/* ---- commits ---- */

static int
commit(struct kith_sync *s, const git_oid *tree_id, const git_commit **parents,
	size_t n, const char *message)
{
	git_signature *author = NULL, *committer = NULL;
	git_tree *tree = NULL;
	git_oid id;
	int rc;

	if ((rc = kith_git_signatures(&author, &committer, s->repo)) < 0)
		return rc;
	if (git_tree_lookup(&tree, s->git, tree_id) < 0 ||
	    git_commit_create(&id, s->git, "HEAD", author, committer, NULL,
	    message, tree, n, parents) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot commit the merge");
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	return rc;
}

/* The commit the branch is at, NULL when it has none yet. */
static int
head_commit(git_commit **out, struct kith_sync *s)
{
	git_oid id;
	int err = git_reference_name_to_id(&id, s->git, s->local_ref);

	*out = NULL;
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err < 0 || git_commit_lookup(out, s->git, &id) < 0)
		return kith_error_git(KITH_ERROR, "cannot read the branch");
	return 0;
}

/* ---- hand edits and an unfinished merge ---- */

static int
pending(struct kith_sync *s, struct kith_paths *out, bool refresh)
{
	char *spec[] = { "people", "journal" };
	git_status_options so;
	git_status_list *list = NULL;
	int rc = 0;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		GIT_STATUS_OPT_EXCLUDE_SUBMODULES |
		(refresh ? GIT_STATUS_OPT_UPDATE_INDEX : 0);
	so.pathspec = (git_strarray){ spec, 2 };
	if (git_status_list_new(&list, s->git, &so) < 0)
		return kith_error_git(KITH_ERROR, "cannot list the changed files");
	for (size_t i = 0; i < git_status_list_entrycount(list) && !rc; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir :
			e->head_to_index;
		const char *path = d ? d->new_file.path : NULL;
		size_t n = path ? strlen(path) : 0;
		if (!path || e->status == GIT_STATUS_CURRENT ||
		    (e->status & (GIT_STATUS_IGNORED | GIT_STATUS_CONFLICTED)))
			continue;
		if (e->status == GIT_STATUS_WT_NEW &&
		    !(n > 3 && strcmp(path + n - 3, ".md") == 0))
			continue;
		if (!paths_has(out, path))
			rc = paths_add(out, path);
	}
	git_status_list_free(list);
	return rc;
}

/* The files of paths that still hold conflict markers, into marked. */
static int
find_markers(struct kith_sync *s, const struct kith_paths *paths,
	struct kith_paths *marked)
{
	struct kith_buf abs = KITH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < paths->n && !rc; i++) {
		char *text = NULL;
		size_t len;
		if ((rc = kith_repo_path(&abs, s->repo, paths->v[i])) < 0)
			break;
		int err = kith_file_read(&text, &len, abs.ptr);
		if (err == KITH_ENOTFOUND)
			continue;
		if (err < 0)
			rc = err;
		else if (kith_conflict_markers(text, len) && !paths_has(marked,
		    paths->v[i]))
			rc = paths_add(marked, paths->v[i]);
		free(text);
	}
	kith_buf_free(&abs);
	return rc;
}

static int
refuse_markers(const struct kith_paths *marked, bool merging)
{
	return kith_error_set(KITH_ERROR, "%s: %zu file%s still %s conflict "
		"markers: resolve the conflicts ('kith check' lists them), then "
		"run 'kith sync' again", merging ? "cannot finish the merge" :
		"cannot commit", marked->n, marked->n == 1 ? "" : "s",
		marked->n == 1 ? "has" : "have");
}

/* Paths of the conflicts in the index. */
static int
index_conflicts(struct kith_paths *out, git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *e[3];
	int err, rc = 0;

	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return kith_error_git(KITH_ERROR, "cannot read the index");
	while (!rc && (err = git_index_conflict_next(&e[0], &e[1], &e[2], it)) == 0)
		for (int k = 0; k < 3 && !rc; k++)
			if (e[k] && !paths_has(out, e[k]->path))
				rc = paths_add(out, e[k]->path);
	if (!rc && err != GIT_ITEROVER)
		rc = kith_error_git(KITH_ERROR, "cannot read the index");
	git_index_conflict_iterator_free(it);
	return rc;
}

static int
add_parent(const git_oid *id, void *payload)
{
	struct kith_ptrvec *pv = payload;
	git_oid *copy = malloc(sizeof *copy);

	if (!copy)
		return -1;
	git_oid_cpy(copy, id);
	if (kith_ptrvec_push(pv, copy) < 0) {
		free(copy);
		return -1;
	}
	return 0;
}

/* Stage paths as they are in the work tree; the tree of the index. */
static int
stage_resolved(struct kith_sync *s, const struct kith_paths *paths,
	git_oid *tree)
{
	struct kith_buf abs = KITH_BUF_INIT;
	git_index *idx = NULL;
	int rc = 0;

	if (git_repository_index(&idx, s->git) < 0 || git_index_read(idx, 0) < 0) {
		git_index_free(idx);
		return kith_error_git(KITH_ERROR, "cannot read the index");
	}
	for (size_t i = 0; i < paths->n && !rc; i++) {
		struct stat st;
		if ((rc = kith_repo_path(&abs, s->repo, paths->v[i])) < 0)
			break;
		git_index_conflict_remove(idx, paths->v[i]);
		git_error_clear();
		if ((lstat(abs.ptr, &st) == 0 ? git_index_add_bypath(idx, paths->v[i]) :
		    git_index_remove_bypath(idx, paths->v[i])) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot update the index");
	}
	if (!rc && git_index_has_conflicts(idx))
		rc = kith_error_set(KITH_ERROR, "cannot finish the merge: the "
			"index still has conflicts: resolve them with git");
	if (!rc && (git_index_write(idx) < 0 || git_index_write_tree(tree, idx) < 0))
		rc = kith_error_git(KITH_ERROR, "cannot write the index");
	git_index_free(idx);
	kith_buf_free(&abs);
	return rc;
}

/* The merge's parents: head, then each commit of MERGE_HEAD. */
static int
merge_parents(const git_commit ***out, size_t *np, struct kith_sync *s,
	git_commit *head)
{
	struct kith_ptrvec heads = { 0 };
	int rc = 0;

	*np = 0;
	if (git_repository_mergehead_foreach(s->git, add_parent, &heads) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot read MERGE_HEAD");
	else if (!(*out = calloc(heads.n + 1, sizeof **out)))
		rc = oom();
	if (!rc && head)
		(*out)[(*np)++] = head;
	for (size_t i = 0; !rc && i < heads.n; i++)
		if (git_commit_lookup((git_commit **)&(*out)[(*np)++], s->git,
		    heads.v[i]) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot read MERGE_HEAD");
	for (size_t i = 0; i < heads.n; i++)
		free(heads.v[i]);
	kith_ptrvec_free(&heads);
	return rc;
}

/* MERGE_MSG as git commit would take it, or "sync: merge ...". */
static char *
merge_state_message(struct kith_sync *s)
{
	git_buf msg = GIT_BUF_INIT, clean = GIT_BUF_INIT;
	char *m;

	if (git_repository_message(&msg, s->git) == 0 &&
	    git_message_prettify(&clean, msg.ptr, 1, '#') == 0 && clean.size)
		m = strdup(clean.ptr);
	else
		m = merge_message(s);
	git_error_clear();
	git_buf_dispose(&msg);
	git_buf_dispose(&clean);
	return m;
}

/* Stage the files and commit the merge MERGE_HEAD records. */
static int
finish_merge_locked(struct kith_sync *s, const struct kith_paths *paths)
{
	git_commit *head = NULL;
	const git_commit **parents = NULL;
	char *message = NULL;
	git_oid tree;
	size_t np = 0;
	int rc;

	if ((rc = head_commit(&head, s)) < 0 ||
	    (rc = stage_resolved(s, paths, &tree)) < 0 ||
	    (rc = merge_parents(&parents, &np, s, head)) < 0)
		goto out;
	if (!(message = merge_state_message(s)))
		rc = oom();
	else if (!(rc = commit(s, &tree, parents, np, message)) &&
	    git_repository_state_cleanup(s->git) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot clean up the merge state");
out:
	for (size_t i = head ? 1 : 0; parents && i < np; i++)
		git_commit_free((git_commit *)parents[i]);
	free(parents);
	git_commit_free(head);
	free(message);
	return rc;
}

static int
finish_merge(struct kith_sync *s, struct kith_paths *done, bool *finished,
	struct kith_paths *marked)
{
	git_index *idx = NULL;
	int rc;

	if (git_repository_index(&idx, s->git) < 0 || git_index_read(idx, 0) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot read the index");
	else
		rc = index_conflicts(done, idx);
	git_index_free(idx);
	if (rc < 0 || (rc = pending(s, done, false)) < 0 ||
	    (rc = find_markers(s, done, marked)) < 0)
		return rc;
	if (marked->n)
		return refuse_markers(marked, true);
	*finished = true;
	if (s->opts.dry_run) {
		struct kith_ptrvec heads = { 0 };
		if (git_repository_mergehead_foreach(s->git, add_parent, &heads) == 0 &&
		    heads.n) {
			git_oid_cpy(&s->finishing, heads.v[0]);
			s->would_finish = true;
		}
		git_error_clear();
		for (size_t i = 0; i < heads.n; i++)
			free(heads.v[i]);
		kith_ptrvec_free(&heads);
		return 0;
	}
	if ((rc = kith_repo_lock(s->repo)) < 0)
		return rc;
	rc = finish_merge_locked(s, done);
	kith_repo_unlock(s->repo);
	return rc;
}

static int
commit_pending(struct kith_sync *s, struct kith_paths *done,
	struct kith_paths *marked)
{
	struct kith_buf msg = KITH_BUF_INIT;
	git_oid before, after;
	int rc;

	if ((rc = pending(s, done, false)) < 0 || !done->n)
		return rc;
	if ((rc = find_markers(s, done, marked)) < 0)
		return rc;
	if (marked->n)
		return refuse_markers(marked, false);
	if (s->opts.dry_run) {
		s->would_commit = true;
		return 0;
	}
	/* again under the lock, for what changed meanwhile */
	if ((rc = kith_repo_lock(s->repo)) < 0)
		return rc;
	kith_paths_free(done);
	if ((rc = pending(s, done, true)) < 0 || !done->n ||
	    (rc = find_markers(s, done, marked)) < 0)
		goto out;
	if (marked->n) {
		rc = refuse_markers(marked, false);
		goto out;
	}
	if (kith_buf_printf(&msg, "edit: %zu file%s", done->n,
	    done->n == 1 ? "" : "s") < 0) {
		rc = oom();
		goto out;
	}
	bool had = git_reference_name_to_id(&before, s->git, "HEAD") == 0;
	git_error_clear();
	if ((rc = kith_repo_commit(s->repo, (const char *const *)done->v,
	    done->n, msg.ptr)) < 0)
		goto out;
	/* files whose hand edits came back to what was committed */
	if (had && git_reference_name_to_id(&after, s->git, "HEAD") == 0 &&
	    git_oid_equal(&before, &after))
		kith_paths_free(done);
out:
	kith_repo_unlock(s->repo);
	kith_buf_free(&msg);
	return rc;
}

int
kith_sync_commit(struct kith_sync *s, struct kith_paths *done, bool *finished,
	struct kith_paths *marked)
{
	git_repository_state_t state = git_repository_state(s->git);

	memset(done, 0, sizeof *done);
	memset(marked, 0, sizeof *marked);
	*finished = false;
	if (state == GIT_REPOSITORY_STATE_MERGE)
		return finish_merge(s, done, finished, marked);
	if (state != GIT_REPOSITORY_STATE_NONE)
		return kith_error_set(KITH_ERROR, "a git operation (rebase, "
			"cherry-pick, revert, bisect) is in progress: finish or "
			"abort it with git, then sync");
	return commit_pending(s, done, marked);
}

/* ---- the merge ---- */

static int
fast_forward(struct kith_sync *s, git_commit *head, git_commit *theirs)
{
	git_tree *from = NULL, *to = NULL;
	git_reference *ref = NULL;
	int rc;

	if ((head && git_commit_tree(&from, head) < 0) ||
	    git_commit_tree(&to, theirs) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read a tree");
		goto out;
	}
	if ((rc = write_tree(s, from, to)) < 0)
		goto out;
	if ((head ? git_reference_create_matching(&ref, s->git, s->local_ref,
	    git_commit_id(theirs), 1, git_commit_id(head),
	    "kith sync: fast-forward") : git_reference_create(&ref, s->git,
	    s->local_ref, git_commit_id(theirs), 0,
	    "kith sync: fast-forward")) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot move the branch");
out:
	git_reference_free(ref);
	git_tree_free(from);
	git_tree_free(to);
	return rc;
}

/* Record the conflicts in the index and the merge state, MERGE_HEAD last. */
static int
leave_conflicts(struct kith_sync *s, const struct merged *m, git_commit *theirs)
{
	git_index *idx = NULL;
	char id[GIT_OID_HEXSZ + 2], *msg = merge_message(s);
	int rc = 0;

	if (!msg)
		return oom();
	if (git_repository_index(&idx, s->git) < 0 || git_index_read(idx, 0) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read the index");
		goto out;
	}
	for (size_t i = 0; i < m->n && !rc; i++) {
		const struct resolved *r = &m->v[i];
		if (!r->conflict)
			continue;
		if (git_index_remove(idx, r->path, 0) < 0)
			git_error_clear();
		if (git_index_conflict_add(idx, r->has[0] ? &r->e[0] : NULL,
		    r->has[1] ? &r->e[1] : NULL, r->has[2] ? &r->e[2] : NULL) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot record a conflict");
	}
	if (!rc && git_index_write(idx) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot write the index");
	git_oid_tostr(id, sizeof id, git_commit_id(theirs));
	strcat(id, "\n");
	if (!rc && !(rc = write_git_file(s, "MERGE_MSG", msg)) &&
	    !(rc = write_git_file(s, "MERGE_MODE", "no-ff")))
		rc = write_git_file(s, "MERGE_HEAD", id);
out:
	git_index_free(idx);
	free(msg);
	return rc;
}

static int
real_merge(struct kith_sync *s, git_commit *head, git_commit *theirs,
	struct kith_sync_merge *out)
{
	struct merged m;
	git_tree *from = NULL, *to = NULL;
	char *msg = NULL;
	int rc;

	if ((rc = merge_commits(&m, s, head, theirs, &out->kept, false)) < 0)
		goto out;
	for (size_t i = 0; i < m.n && !rc; i++)
		if (m.v[i].conflict)
			rc = paths_add(&out->conflicts, m.v[i].path);
	if (rc < 0)
		goto out;
	if (git_commit_tree(&from, head) < 0 || git_tree_lookup(&to, s->git,
	    &m.tree) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read a tree");
		goto out;
	}
	if ((rc = write_tree(s, from, to)) < 0)
		goto out;
	if (out->conflicts.n) {
		out->kind = KITH_SYNC_CONFLICTED;
		rc = leave_conflicts(s, &m, theirs);
		goto out;
	}
	const git_commit *parents[2] = { head, theirs };
	if (!(msg = merge_message(s)))
		rc = oom();
	else
		rc = commit(s, &m.tree, parents, 2, msg);
	out->kind = KITH_SYNC_MERGED;
out:
	free(msg);
	git_tree_free(from);
	git_tree_free(to);
	merged_free(&m);
	return rc;
}

/* What a merge would do, written nowhere. */
static int
dry_merge(struct kith_sync *s, git_commit *head, git_commit *theirs,
	struct kith_sync_merge *out)
{
	struct merged m;
	int rc;

	s->would_merge = true;
	if (s->would_finish) {
		/* after the merge it would finish first: no telling more */
		if (git_oid_equal(&s->finishing, &s->theirs) ||
		    git_graph_descendant_of(s->git, &s->finishing, &s->theirs) == 1) {
			out->kind = KITH_SYNC_UPTODATE;
			s->would_merge = false;
		}
		git_error_clear();
		return 0;
	}
	rc = merge_commits(&m, s, head, theirs, &out->kept, true);

	for (size_t i = 0; i < m.n && !rc; i++)
		if (m.v[i].conflict)
			rc = paths_add(&out->conflicts, m.v[i].path);
	if (!rc && out->conflicts.n)
		out->kind = KITH_SYNC_CONFLICTED;
	merged_free(&m);
	return rc;
}

static int
merge_locked(struct kith_sync *s, struct kith_sync_merge *out)
{
	git_commit *head = NULL, *theirs = NULL;
	git_oid base;
	bool has_base;
	int rc, err;

	if ((rc = head_commit(&head, s)) < 0)
		return rc;
	if (git_commit_lookup(&theirs, s->git, &s->theirs) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read the fetched branch");
		goto out;
	}
	if (!head) {
		out->kind = KITH_SYNC_FASTFORWARD;
		out->behind = 1;
		rc = s->opts.dry_run ? 0 : fast_forward(s, NULL, theirs);
		goto out;
	}
	if (git_graph_ahead_behind(&out->ahead, &out->behind, s->git,
	    git_commit_id(head), &s->theirs) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot compare the branches");
		goto out;
	}
	err = git_merge_base(&base, s->git, git_commit_id(head), &s->theirs);
	if (err < 0 && err != GIT_ENOTFOUND) {
		rc = kith_error_git(KITH_ERROR, "cannot compare the branches");
		goto out;
	}
	git_error_clear();
	has_base = err == 0;
	if (git_oid_equal(git_commit_id(head), &s->theirs) ||
	    (has_base && git_oid_equal(&base, &s->theirs))) {
		out->kind = KITH_SYNC_UPTODATE;
	} else if (has_base && git_oid_equal(&base, git_commit_id(head))) {
		out->kind = KITH_SYNC_FASTFORWARD;
		rc = s->opts.dry_run ? 0 : fast_forward(s, head, theirs);
	} else {
		out->kind = KITH_SYNC_MERGED;
		rc = s->opts.dry_run ? dry_merge(s, head, theirs, out) :
			real_merge(s, head, theirs, out);
	}
out:
	git_commit_free(head);
	git_commit_free(theirs);
	return rc;
}

int
kith_sync_merge(struct kith_sync *s, struct kith_sync_merge *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (!s->have_theirs) {
		out->kind = KITH_SYNC_NEW;
		return 0;
	}
	if (s->opts.dry_run)
		return merge_locked(s, out);
	if ((rc = kith_repo_lock(s->repo)) < 0)
		return rc;
	rc = merge_locked(s, out);
	kith_repo_unlock(s->repo);
	return rc;
}

/* ---- push ---- */

/* Commits of the branch that the remote's lacks. */
static int
count_ahead(size_t *out, struct kith_sync *s, const git_oid *local)
{
	git_revwalk *w = NULL;
	git_oid id;
	size_t behind;
	int err;

	*out = 0;
	if (s->have_theirs && have_object(s, &s->theirs)) {
		if (git_graph_ahead_behind(out, &behind, s->git, local,
		    &s->theirs) < 0)
			return kith_error_git(KITH_ERROR, "cannot count the commits");
		return 0;
	}
	if (git_revwalk_new(&w, s->git) < 0 || git_revwalk_push(w, local) < 0) {
		git_revwalk_free(w);
		return kith_error_git(KITH_ERROR, "cannot count the commits");
	}
	while ((err = git_revwalk_next(&id, w)) == 0)
		(*out)++;
	git_revwalk_free(w);
	return 0;
}

static void
set_upstream(struct kith_sync *s)
{
	git_reference *branch = NULL;
	struct kith_buf up = KITH_BUF_INIT;
	const char *r = s->merge_ref + strlen(LOCAL_HEADS);

	if (s->remote_name && kith_buf_printf(&up, "%s/%s", s->remote_name, r) == 0 &&
	    git_branch_lookup(&branch, s->git, s->branch, GIT_BRANCH_LOCAL) == 0 &&
	    strncmp(s->merge_ref, LOCAL_HEADS, strlen(LOCAL_HEADS)) == 0)
		git_branch_set_upstream(branch, up.ptr);
	git_error_clear();
	git_reference_free(branch);
	kith_buf_free(&up);
}

int
kith_sync_push(struct kith_sync *s, size_t *pushed, bool *rejected, char **why)
{
	git_push_options po;
	git_remote *r = NULL;
	struct kith_buf spec = KITH_BUF_INIT;
	git_oid local;
	size_t n = 0;
	int rc, err;

	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	*pushed = 0;
	*rejected = false;
	*why = NULL;
	err = git_reference_name_to_id(&local, s->git, s->local_ref);
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err < 0)
		return kith_error_git(KITH_ERROR, "cannot read the branch");
	if (!(s->have_theirs && git_oid_equal(&local, &s->theirs)) &&
	    (rc = count_ahead(&n, s, &local)) < 0)
		return rc;
	if (s->opts.dry_run) {
		*pushed = n + s->would_commit + s->would_finish + s->would_merge;
		return 0;
	}
	if (n == 0)
		return 0;
	if ((rc = open_remote(&r, s, false)) < 0)
		return rc;
	if (kith_buf_printf(&spec, "%s:%s", s->local_ref, s->merge_ref) < 0) {
		rc = oom();
		goto out;
	}
	callbacks(&po.callbacks, s);
	po.callbacks.push_update_reference = push_status;
	po.proxy_opts.type = GIT_PROXY_AUTO;
	free(s->push_status);
	s->push_status = NULL;
	git_strarray specs = { &spec.ptr, 1 };
	err = git_remote_push(r, &specs, &po);
	progress_end(s);
	if (err == GIT_ENONFASTFORWARD) {
		*rejected = true;
		git_error_clear();
		if (!(*why = strdup("the remote has commits this branch lacks")))
			rc = oom();
	} else if (err < 0) {
		rc = transfer_error(s, err, "push to");
	} else if (s->push_status) {
		*rejected = true;
		*why = s->push_status;
		s->push_status = NULL;
	} else {
		*pushed = n;
		git_oid_cpy(&s->theirs, &local);
		s->have_theirs = true;
		if (s->set_upstream)
			set_upstream(s);
		s->set_upstream = false;
	}
out:
	git_remote_free(r);
	kith_buf_free(&spec);
	return rc;
}
