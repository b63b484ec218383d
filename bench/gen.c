/*
 * gen - write a synthetic kith repository for the benchmark.
 *
 * usage: bench/gen [--seed N] [--size small|medium|large] [--people N]
 *                  [--entries N] [--years N] [--today YYYY-MM-DD]
 *                  [--no-git] DIR
 *
 * Writes kith.conf, .gitattributes, .gitignore, people/<slug>.md and
 * journal/YYYY/YYYY-MM-DD.md in DESIGN.md's format into DIR (which must
 * not exist, or be empty), then makes it a git repository on branch main
 * with everything in one commit, packed (the git program does that part;
 * --no-git skips it). Everything follows from the seed with integer
 * arithmetic only, so a seed and a size give the same bytes, and the same
 * commit, on every machine.
 *
 * The sizes: small 200 people and 2,000 entries over 2 years, medium
 * 1,000 / 20,000 over 10 years, large 5,000 / 100,000 over 20 years
 * (about 60 MB in 12,300 files). --people, --entries and --years override.
 *
 * The content is meant to look like a real network: names from many
 * cultures (accents, ł ø þ ı, Cyrillic, Greek, CJK), slugs by DESIGN.md's
 * rules made unique with -2, repeated emails, birthdays with and without
 * year, cadences for a third of the people, aliases, tags, dated notes;
 * journal days of 1-20 entries, timed and untimed, mentioning people in
 * every syntax with a Zipf-like popularity (one person is in ~10% of the
 * entries), tags, follow-ups open and ticked with due: dates, and every
 * trap of the inline syntax (code spans and fences, URLs with #fragments,
 * e-mail addresses, C#, #42, raw HTML, Q&#A).
 *
 * On success it prints key=value lines on stdout saying what it wrote and
 * which person, tag, date and word make good queries (bench/run keeps
 * them). Exit 0; 2 on bad usage; 3 when writing or git fails.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_PER_DAY 20
#define GREP_WORD "sabbatical"

static const char *argv0 = "gen";

/* ---- failure ---------------------------------------------------------- */

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void *
xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die(3, "out of memory: free some memory and retry");
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* ---- a growable buffer ------------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static void
bgrow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	b->cap = (b->len + extra + 1) * 2;
	if (!(b->p = realloc(b->p, b->cap)))
		die(3, "out of memory: free some memory and retry");
}

static void
bput(struct buf *b, const char *s, size_t n)
{
	bgrow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
bputs(struct buf *b, const char *s)
{
	bput(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	bgrow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- randomness: splitmix64, integers only ----------------------------- */

static uint64_t rng;

static uint64_t
next64(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned
rnd(unsigned n)
{
	return n ? (unsigned)(next64() % n) : 0;
}

/* True with probability p percent. */
static bool
pct(unsigned p)
{
	return rnd(100) < p;
}

/* True with probability p per mille. */
static bool
permille(unsigned p)
{
	return rnd(1000) < p;
}

#define PICK(a) ((a)[rnd(NELEM(a))])

/* ---- dates: day numbers since 1970-01-01 (Howard Hinnant's algorithms) */

static int
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD" into buf (at least 11 bytes). */
static const char *
fmt_date(char *buf, int day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
	return buf;
}

static bool
parse_date(int *out, const char *s)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*out = days_from_civil(y, m, d);
	return true;
}

/* ---- names ------------------------------------------------------------ */

/*
 * Name parts as "Display|slug[|Nickname]": the slug part is what kith's
 * slug rules make of the display part (marks stripped, ł→l, ø→o, þ→th,
 * ð→d, æ→ae, ß→ss, ı→i, Cyrillic and Greek transliterated, apostrophes
 * dropped, other runs of non-alphanumerics one '-'; CJK leaves nothing).
 * A nickname, when there is one, becomes an alias.
 */
static const char *const en_first[] = {
	"James|james|Jim", "Mary|mary", "Robert|robert|Bob", "Patricia|patricia|Pat",
	"John|john", "Jennifer|jennifer|Jen", "Michael|michael|Mike", "Linda|linda",
	"William|william|Bill", "Elizabeth|elizabeth|Liz", "David|david|Dave",
	"Barbara|barbara", "Richard|richard|Rick", "Susan|susan|Sue",
	"Joseph|joseph|Joe", "Jessica|jessica|Jess", "Thomas|thomas|Tom",
	"Sarah|sarah", "Charles|charles|Charlie", "Karen|karen", "Emily|emily",
	"Daniel|daniel|Dan", "Emma|emma", "Matthew|matthew|Matt", "Olivia|olivia",
	"Anthony|anthony|Tony", "Sophie|sophie", "Grace|grace", "Steven|steven|Steve",
	"Chloe|chloe", "Andrew|andrew|Andy", "Hannah|hannah", "Rachel|rachel",
	"Siobhán|siobhan", "Seán|sean", "Niamh|niamh", "Aoife|aoife",
	"Ciarán|ciaran", "Oisín|oisin", "Mary Kate|mary-kate",
};
static const char *const en_last[] = {
	"Smith|smith", "Johnson|johnson", "Williams|williams", "Brown|brown",
	"Jones|jones", "Miller|miller", "Davis|davis", "Wilson|wilson",
	"Anderson|anderson", "Taylor|taylor", "Moore|moore", "Martin|martin",
	"Jackson|jackson", "Thompson|thompson", "White|white", "Harris|harris",
	"Clark|clark", "Lewis|lewis", "Walker|walker", "Hall|hall", "Young|young",
	"King|king", "Wright|wright", "Scott|scott", "Green|green", "Baker|baker",
	"O'Brien|obrien", "O’Connor|oconnor", "McCarthy|mccarthy",
	"Ó Briain|o-briain", "Ní Dhomhnaill|ni-dhomhnaill", "MacLeod|macleod",
	"Fitzgerald|fitzgerald", "Doyle|doyle", "Kennedy|kennedy",
};
static const char *const es_first[] = {
	"José|jose|Pepe", "María|maria", "Juan|juan", "Ana|ana", "Luis|luis",
	"Carmen|carmen", "Carlos|carlos", "Lucía|lucia", "Javier|javier",
	"Sofía|sofia", "Miguel|miguel", "Elena|elena", "Pablo|pablo",
	"Andrés|andres", "Isabel|isabel|Isa", "Jesús|jesus|Chuy",
	"Begoña|begona", "Íñigo|inigo", "Nuria|nuria", "Raúl|raul",
	"Ramón|ramon", "Rocío|rocio", "Héctor|hector", "Inés|ines",
	"María José|maria-jose", "Concepción|concepcion|Concha",
	"Dolores|dolores|Lola", "Francisco|francisco|Paco",
	"Ignacio|ignacio|Nacho", "Guadalupe|guadalupe|Lupe",
};
static const char *const es_last[] = {
	"Núñez|nunez", "García|garcia", "Martínez|martinez", "López|lopez",
	"Sánchez|sanchez", "Pérez|perez", "Gómez|gomez", "Fernández|fernandez",
	"Rodríguez|rodriguez", "Díaz|diaz", "Muñoz|munoz", "Álvarez|alvarez",
	"Jiménez|jimenez", "Ruiz|ruiz", "Hernández|hernandez", "Peña|pena",
	"Ibáñez|ibanez", "Castaño|castano", "Echeverría|echeverria",
	"Gutiérrez|gutierrez", "Domínguez|dominguez", "Vázquez|vazquez",
	"Ortega|ortega", "Rubio|rubio", "García-Peña|garcia-pena",
	"de la Fuente|de-la-fuente", "Zúñiga|zuniga", "Ordóñez|ordonez",
};
static const char *const pt_first[] = {
	"João|joao", "Inês|ines", "Gonçalo|goncalo", "Conceição|conceicao",
	"Luís|luis", "Margarida|margarida", "Tomás|tomas", "Beatriz|beatriz|Bia",
	"Thiago|thiago", "Letícia|leticia", "Caio|caio", "Júlia|julia",
	"Vinícius|vinicius", "Mariana|mariana", "Rafael|rafael|Rafa",
	"Sebastião|sebastiao",
};
static const char *const pt_last[] = {
	"Gonçalves|goncalves", "Simões|simoes", "Magalhães|magalhaes",
	"Araújo|araujo", "Assunção|assuncao", "Brandão|brandao",
	"Falcão|falcao", "Guimarães|guimaraes", "Lopes|lopes", "Silva|silva",
	"Santos|santos", "Oliveira|oliveira", "Souza|souza",
	"Carvalho|carvalho", "Ribeiro|ribeiro", "Sá|sa",
};
static const char *const de_first[] = {
	"Jürgen|jurgen", "Jörg|jorg", "Käthe|kathe", "Günther|gunther",
	"Uwe|uwe", "Anke|anke", "Sören|soren", "Mareike|mareike", "Lukas|lukas",
	"Jonas|jonas", "Lea|lea", "Maximilian|maximilian|Max",
	"Katharina|katharina|Kathi", "Wolfgang|wolfgang", "Ursula|ursula|Uschi",
	"Dörte|dorte", "Heike|heike", "Till|till", "Friederike|friederike|Rike",
	"Matthias|matthias", "Sebastian|sebastian|Basti", "Tobias|tobias",
};
static const char *const de_last[] = {
	"Müller|muller", "Schröder|schroder", "Groß|gross", "Weiß|weiss",
	"Krüger|kruger", "Schäfer|schafer", "Hoffmann|hoffmann",
	"Schmidt|schmidt", "Fischer|fischer", "Wagner|wagner", "Becker|becker",
	"Köhler|kohler", "Jäger|jager", "Fuchs|fuchs", "Vogel|vogel",
	"Strauß|strauss", "Löwe|lowe", "Meißner|meissner", "Böhm|bohm",
	"Kühn|kuhn", "Zimmermann|zimmermann", "von Bülow|von-bulow", "Dürr|durr",
};
static const char *const fr_first[] = {
	"Zoë|zoe", "Élodie|elodie", "François|francois", "Hélène|helene",
	"Benoît|benoit", "Cécile|cecile", "Jérôme|jerome", "Anaïs|anais",
	"Gaëlle|gaelle", "Noël|noel", "Léa|lea", "Théo|theo", "Maëlys|maelys",
	"Raphaël|raphael", "Chloé|chloe", "Jean-Luc|jean-luc",
	"Marie-Claire|marie-claire", "Aurélien|aurelien", "Loïc|loic",
	"Solène|solene", "Stéphane|stephane", "Margaux|margaux",
	"Clémence|clemence", "Émile|emile",
};
static const char *const fr_last[] = {
	"Lefèvre|lefevre", "Dubois|dubois", "Moreau|moreau", "Girard|girard",
	"Bonnet|bonnet", "Dupont|dupont", "Lambert|lambert", "Fontaine|fontaine",
	"Rousseau|rousseau", "Mercier|mercier", "Guérin|guerin", "Boyer|boyer",
	"Chevalier|chevalier", "André|andre", "Lœuillet|loeuillet",
	"Bélanger|belanger", "Côté|cote", "Gagné|gagne", "Lévesque|levesque",
	"de Saint-Exupéry|de-saint-exupery", "Roux|roux", "Mérieux|merieux",
};
static const char *const pl_first[] = {
	"Łukasz|lukasz", "Małgorzata|malgorzata|Gosia", "Wojciech|wojciech|Wojtek",
	"Agnieszka|agnieszka|Aga", "Grzegorz|grzegorz|Grzesiek",
	"Krzysztof|krzysztof", "Katarzyna|katarzyna|Kasia", "Paweł|pawel",
	"Michał|michal", "Anna|anna", "Joanna|joanna|Asia", "Zofia|zofia|Zosia",
	"Jędrzej|jedrzej", "Bartłomiej|bartlomiej|Bartek", "Ewa|ewa",
	"Piotr|piotr", "Tomasz|tomasz|Tomek", "Magdalena|magdalena|Magda",
	"Żaneta|zaneta",
};
static const char *const pl_last[] = {
	"Wiśniewski|wisniewski", "Kowalczyk|kowalczyk", "Dąbrowski|dabrowski",
	"Wójcik|wojcik", "Kamiński|kaminski", "Lewandowski|lewandowski",
	"Zielińska|zielinska", "Szymańska|szymanska", "Woźniak|wozniak",
	"Kozłowski|kozlowski", "Mazur|mazur", "Krawczyk|krawczyk",
	"Piątek|piatek", "Nowak|nowak", "Pawłowski|pawlowski", "Król|krol",
	"Żak|zak", "Łoś|los", "Sęk|sek",
};
static const char *const nord_first[] = {
	"Søren|soren", "Bjørn|bjorn", "Åsa|asa", "Jørgen|jorgen", "Mette|mette",
	"Ingrid|ingrid", "Sigrid|sigrid", "Lars|lars", "Magnus|magnus",
	"Astrid|astrid", "Kjell|kjell", "Linnéa|linnea", "Måns|mans",
	"Øystein|oystein", "Rasmus|rasmus", "Freja|freja", "Håkon|hakon",
	"Tove|tove", "Signe|signe",
};
static const char *const nord_last[] = {
	"Østergård|ostergard", "Kjærsgaard|kjaersgaard", "Ærøe|aeroe",
	"Ærøskøbing|aeroskobing", "Sørensen|sorensen", "Jørgensen|jorgensen",
	"Lindqvist|lindqvist", "Åberg|aberg", "Sjöberg|sjoberg",
	"Nordström|nordstrom", "Bråten|braten", "Hansen|hansen",
	"Nielsen|nielsen", "Løkke|lokke", "Dæhlie|daehlie", "Mørk|mork",
	"Strøm|strom", "Engström|engstrom", "Wåhlin|wahlin",
};
static const char *const is_first[] = {
	"Þóra|thora", "Sigurður|sigurdur|Siggi", "Guðrún|gudrun|Gunna",
	"Þórunn|thorunn", "Björk|bjork", "Ólafur|olafur|Oli", "Jón|jon",
	"Ragnheiður|ragnheidur", "Katrín|katrin", "Eiður|eidur", "Ásdís|asdis",
};
static const char *const is_last[] = {
	"Guðmundsdóttir|gudmundsdottir", "Jóhannsdóttir|johannsdottir",
	"Ólafsson|olafsson", "Þórsson|thorsson",
	"Sigurðardóttir|sigurdardottir", "Einarsson|einarsson",
	"Magnúsdóttir|magnusdottir", "Stefánsson|stefansson",
	"Halldórsson|halldorsson",
};
static const char *const cz_first[] = {
	"Jiří|jiri", "Šárka|sarka", "Tomáš|tomas", "Kateřina|katerina",
	"Petr|petr", "Lucie|lucie", "Zdeněk|zdenek", "Věra|vera",
	"Božena|bozena", "Ondřej|ondrej", "Markéta|marketa", "Vojtěch|vojtech",
};
static const char *const cz_last[] = {
	"Dvořák|dvorak", "Čapek|capek", "Němcová|nemcova", "Novák|novak",
	"Svoboda|svoboda", "Černý|cerny", "Procházková|prochazkova",
	"Kučera|kucera", "Veselý|vesely", "Horák|horak", "Růžička|ruzicka",
	"Pospíšil|pospisil", "Hájek|hajek",
};
static const char *const tr_first[] = {
	"Ümit|umit", "Gül|gul", "İlkay|ilkay", "Çağlar|caglar", "Şükrü|sukru",
	"Özge|ozge", "Ayşe|ayse", "Mehmet|mehmet", "Emre|emre", "Zeynep|zeynep",
	"Burak|burak", "Elif|elif", "Işık|isik", "Gökhan|gokhan",
	"Yağmur|yagmur", "Barış|baris",
};
static const char *const tr_last[] = {
	"Şahin|sahin", "Çelik|celik", "Yıldız|yildiz", "Öztürk|ozturk",
	"Aydın|aydin", "Doğan|dogan", "Kılıç|kilic", "Arslan|arslan",
	"Koç|koc", "Kaya|kaya", "Demir|demir", "Güneş|gunes",
	"Özdemir|ozdemir", "Yılmaz|yilmaz",
};
static const char *const vi_given[] = {
	"Thị Hương|thi-huong", "Văn Minh|van-minh", "Minh Anh|minh-anh",
	"Quốc Bảo|quoc-bao", "Thu Hà|thu-ha", "Đức Thắng|duc-thang",
	"Ngọc Lan|ngoc-lan", "Hữu Phước|huu-phuoc", "Thanh Tâm|thanh-tam",
	"Khánh Linh|khanh-linh",
};
static const char *const vi_family[] = {
	"Nguyễn|nguyen", "Trần|tran", "Lê|le", "Phạm|pham", "Hoàng|hoang",
	"Huỳnh|huynh", "Phan|phan", "Vũ|vu", "Võ|vo", "Đặng|dang", "Bùi|bui",
	"Đỗ|do", "Hồ|ho", "Ngô|ngo", "Dương|duong",
};
static const char *const zh_given[] = {
	"Wěi|wei", "Fāng|fang", "Xiùyīng|xiuying", "Jìng|jing", "Lěi|lei",
	"Mǐn|min", "Jūn|jun", "Yàn|yan", "Tāo|tao", "Míng|ming", "Xīn|xin",
	"Yǔtóng|yutong",
};
static const char *const zh_family[] = {
	"Zhāng|zhang", "Wáng|wang", "Lǐ|li", "Liú|liu", "Chén|chen",
	"Yáng|yang", "Huáng|huang", "Zhào|zhao", "Wú|wu", "Zhōu|zhou",
	"Xú|xu", "Sūn|sun", "Lǚ|lu", "Guō|guo",
};
static const char *const cjk_given[] = {
	"小龙|", "芳|", "伟|", "静|", "太郎|", "花子|", "민준|", "서연|",
};
static const char *const cjk_family[] = {
	"李|", "王|", "张|", "刘|", "山田|", "佐藤|", "김|", "이|",
};
static const char *const ja_first[] = {
	"Yūki|yuki", "Kōji|koji", "Shōta|shota", "Haruka|haruka",
	"Ayumi|ayumi", "Ryō|ryo", "Yūko|yuko", "Daisuke|daisuke",
	"Sakura|sakura", "Takumi|takumi", "Hiroshi|hiroshi", "Kenta|kenta",
};
static const char *const ja_last[] = {
	"Satō|sato", "Itō|ito", "Katō|kato", "Saitō|saito", "Ōno|ono",
	"Kōno|kono", "Tanaka|tanaka", "Suzuki|suzuki", "Takahashi|takahashi",
	"Watanabe|watanabe", "Yamamoto|yamamoto", "Nakamura|nakamura",
	"Ōtsuka|otsuka",
};
static const char *const in_first[] = {
	"Priya|priya", "Arjun|arjun", "Ananya|ananya", "Rohan|rohan",
	"Lakshmi|lakshmi", "Vikram|vikram", "Sneha|sneha", "Rahul|rahul",
	"Deepika|deepika", "Karthik|karthik", "Meera|meera", "Aditya|aditya",
	"Divya|divya", "Sanjay|sanjay", "Venkatesh|venkatesh|Venky",
};
static const char *const in_last[] = {
	"Rao|rao", "Sharma|sharma", "Iyer|iyer", "Patel|patel", "Reddy|reddy",
	"Nair|nair", "Gupta|gupta", "Krishnan|krishnan", "Menon|menon",
	"Chatterjee|chatterjee", "Banerjee|banerjee", "Subramanian|subramanian",
	"Deshpande|deshpande", "Kulkarni|kulkarni",
};
static const char *const ng_first[] = {
	"Adébáyọ̀|adebayo", "Olúwaṣeun|oluwaseun|Seun", "Chiamaka|chiamaka|Amaka",
	"Ngozi|ngozi", "Chinedu|chinedu", "Olúwafẹ́mi|oluwafemi|Femi",
	"Adaeze|adaeze|Ada", "Emeka|emeka", "Ifeoma|ifeoma",
	"Babátúndé|babatunde|Tunde",
};
static const char *const ng_last[] = {
	"Ọlábísí|olabisi", "Okonkwo|okonkwo", "Adéyẹmí|adeyemi",
	"Okafor|okafor", "Nwosu|nwosu", "Àjàyí|ajayi", "Eze|eze", "Obi|obi",
	"Ogunleye|ogunleye", "Chukwu|chukwu",
};
static const char *const hu_given[] = {
	"Ödön|odon", "Zsófia|zsofia|Zsofi", "Gábor|gabor",
	"Erzsébet|erzsebet|Erzsi", "László|laszlo|Laci", "Ágnes|agnes",
	"Dániel|daniel", "Réka|reka", "Bálint|balint", "Tünde|tunde",
	"Áron|aron", "Csilla|csilla",
};
static const char *const hu_family[] = {
	"Erdős|erdos", "Szőke|szoke", "Nagy|nagy", "Kovács|kovacs",
	"Tóth|toth", "Szabó|szabo", "Horváth|horvath", "Varga|varga",
	"Molnár|molnar", "Németh|nemeth", "Győri|gyori", "Fehér|feher",
};
static const char *const ro_first[] = {
	"Ștefan|stefan", "Ioana|ioana", "Mihai|mihai", "Andreea|andreea",
	"Răzvan|razvan", "Alexandru|alexandru", "Cătălina|catalina",
	"Bogdan|bogdan", "Irina|irina", "Ilinca|ilinca",
};
static const char *const ro_last[] = {
	"Popescu|popescu", "Țepeș|tepes", "Ionescu|ionescu",
	"Stănescu|stanescu", "Mureșan|muresan", "Rădulescu|radulescu",
	"Georgescu|georgescu", "Căpraru|capraru",
};
static const char *const ar_first[] = {
	"Muḥammad|muhammad", "Fāṭima|fatima", "Aḥmad|ahmad", "Layla|layla",
	"Yūsuf|yusuf", "Zaynab|zaynab", "Khālid|khalid", "Nour|nour",
	"Omar|omar", "Karim|karim", "Rania|rania", "Tariq|tariq",
	"Yasmin|yasmin",
};
static const char *const ar_last[] = {
	"Al-Hāshimī|al-hashimi", "Haddad|haddad", "Ḥaddād|haddad",
	"Khoury|khoury", "Nasser|nasser", "El-Amin|el-amin",
	"Mansour|mansour", "Saleh|saleh", "Farouk|farouk", "Qureshi|qureshi",
	"Aziz|aziz",
};
static const char *const it_first[] = {
	"Giuseppe|giuseppe|Beppe", "Niccolò|niccolo", "Chiara|chiara",
	"Matteo|matteo", "Giulia|giulia", "Lorenzo|lorenzo",
	"Francesca|francesca", "Alessandro|alessandro|Sandro",
	"Federica|federica", "Simone|simone", "Elisa|elisa", "Davide|davide",
};
static const char *const it_last[] = {
	"Rossi|rossi", "Russo|russo", "Ferrari|ferrari", "Esposito|esposito",
	"Bianchi|bianchi", "Romano|romano", "Colombo|colombo", "Ricci|ricci",
	"De Luca|de-luca", "Mancini|mancini", "D'Angelo|dangelo",
	"Santoro|santoro", "Caruso|caruso",
};
static const char *const nl_first[] = {
	"Jan|jan", "Sanne|sanne", "Daan|daan", "Fleur|fleur", "Bram|bram",
	"Lotte|lotte", "Thijs|thijs", "Anouk|anouk", "Joost|joost",
	"Maartje|maartje", "Ingeborg|ingeborg|Inge", "Hendrik|hendrik|Henk",
};
static const char *const nl_last[] = {
	"van der Berg|van-der-berg", "de Vries|de-vries", "van Dijk|van-dijk",
	"Bakker|bakker", "Janssen|janssen", "Visser|visser", "Meijer|meijer",
	"de Boer|de-boer", "Mulder|mulder", "de Groot|de-groot",
	"van 't Hof|van-t-hof", "Dijkstra|dijkstra",
};
static const char *const ru_first[] = {
	"Иван|ivan", "Наталья|natalya", "Сергей|sergey", "Алексей|aleksey",
	"Ольга|olga", "Дмитрий|dmitriy", "Екатерина|ekaterina", "Юлия|yuliya",
	"Андрей|andrey", "Татьяна|tatyana", "Олександр|oleksandr",
};
static const char *const ru_last[] = {
	"Петров|petrov", "Иванова|ivanova", "Смирнов|smirnov",
	"Кузнецова|kuznetsova", "Попов|popov", "Соколов|sokolov",
	"Шевченко|shevchenko", "Ковальчук|kovalchuk", "Ёлкин|elkin",
	"Щербаков|shcherbakov", "Жуков|zhukov",
};
static const char *const el_first[] = {
	"Δημήτρης|dimitris", "Ελένη|eleni", "Γιώργος|giorgos", "Μαρία|maria",
	"Νίκος|nikos", "Κατερίνα|katerina", "Σοφία|sofia",
	"Κωνσταντίνος|konstantinos", "Αθηνά|athina", "Γιάννης|giannis",
};
static const char *const el_last[] = {
	"Παπαδόπουλος|papadopoulos", "Νικολάου|nikolaou", "Γεωργίου|georgiou",
	"Οικονόμου|oikonomou", "Αλεξίου|alexiou", "Δημητρίου|dimitriou",
};

struct culture {
	const char *const *first, *const *last;
	size_t nfirst, nlast;
	int weight;
	bool family_first, no_space;
	const char *phone; /* N is a random digit */
	const char *const *cities;
	size_t ncities;
};

#define PARTS(f, l) f, l, NELEM(f), NELEM(l)
#define CITIES(...) (const char *const[]){ __VA_ARGS__ }, \
	NELEM(((const char *const[]){ __VA_ARGS__ }))

static const struct culture cultures[] = {
	{ PARTS(en_first, en_last), 16, false, false, "+1 (NNN) 555-NNNN",
		CITIES("New York", "Dublin", "London", "Toronto", "Austin") },
	{ PARTS(es_first, es_last), 8, false, false, "+34 6NN NNN NNN",
		CITIES("Madrid", "Bogotá", "Málaga", "Ciudad de México", "A Coruña") },
	{ PARTS(pt_first, pt_last), 5, false, false, "+351 9NN NNN NNN",
		CITIES("Lisboa", "São Paulo", "Porto", "Belém") },
	{ PARTS(de_first, de_last), 8, false, false, "+49 30 NNNNNNN",
		CITIES("Berlin", "München", "Zürich", "Köln", "Wien") },
	{ PARTS(fr_first, fr_last), 7, false, false, "+33 6 NN NN NN NN",
		CITIES("Paris", "Lyon", "Montréal", "Genève", "Besançon") },
	{ PARTS(pl_first, pl_last), 5, false, false, "+48 NNN NNN NNN",
		CITIES("Kraków", "Łódź", "Warszawa", "Gdańsk", "Wrocław") },
	{ PARTS(nord_first, nord_last), 5, false, false, "+45 NN NN NN NN",
		CITIES("København", "Malmö", "Århus", "Tromsø", "Göteborg") },
	{ PARTS(is_first, is_last), 2, false, false, "+354 NNN NNNN",
		CITIES("Reykjavík", "Akureyri", "Ísafjörður") },
	{ PARTS(cz_first, cz_last), 3, false, false, "+420 NNN NNN NNN",
		CITIES("Praha", "Brno", "Plzeň") },
	{ PARTS(tr_first, tr_last), 4, false, false, "+90 5NN NNN NN NN",
		CITIES("İstanbul", "Ankara", "İzmir") },
	{ PARTS(vi_given, vi_family), 3, true, false, "+84 9N NNN NNNN",
		CITIES("Hà Nội", "Hồ Chí Minh", "Đà Nẵng") },
	{ PARTS(zh_given, zh_family), 4, true, false, "+86 1NN NNNN NNNN",
		CITIES("Běijīng", "Shànghǎi", "Chéngdū", "Singapore") },
	{ PARTS(cjk_given, cjk_family), 1, true, true, "+81 90 NNNN NNNN",
		CITIES("東京", "北京", "서울") },
	{ PARTS(ja_first, ja_last), 3, false, false, "+81 90 NNNN NNNN",
		CITIES("Tōkyō", "Kyōto", "Ōsaka") },
	{ PARTS(in_first, in_last), 6, false, false, "+91 9NNNN NNNNN",
		CITIES("Bengaluru", "Mumbai", "Chennai", "Pune") },
	{ PARTS(ng_first, ng_last), 3, false, false, "+234 80N NNN NNNN",
		CITIES("Lagos", "Abuja", "Ìbàdàn") },
	{ PARTS(hu_given, hu_family), 2, true, false, "+36 30 NNN NNNN",
		CITIES("Budapest", "Győr", "Pécs") },
	{ PARTS(ro_first, ro_last), 2, false, false, "+40 7NN NNN NNN",
		CITIES("București", "Cluj-Napoca", "Timișoara") },
	{ PARTS(ar_first, ar_last), 4, false, false, "+971 5N NNN NNNN",
		CITIES("Dubai", "Beirut", "Cairo", "ʿAmmān") },
	{ PARTS(it_first, it_last), 4, false, false, "+39 3NN NNN NNNN",
		CITIES("Milano", "Roma", "Torino", "Forlì") },
	{ PARTS(nl_first, nl_last), 3, false, false, "+31 6 NNNN NNNN",
		CITIES("Amsterdam", "Utrecht", "Den Haag") },
	{ PARTS(ru_first, ru_last), 3, false, false, "+380 NN NNN NNNN",
		CITIES("Київ", "Москва", "Львів", "Berlin") },
	{ PARTS(el_first, el_last), 2, false, false, "+30 69N NNN NNNN",
		CITIES("Αθήνα", "Θεσσαλονίκη", "Athens") },
};

/* Field i (0 display, 1 slug, 2 nickname) of a "a|b|c" part; "" if none. */
static const char *
part(char *buf, size_t size, const char *spec, int i)
{
	const char *s = spec, *e;
	size_t n;

	for (; i > 0 && s; i--)
		s = (s = strchr(s, '|')) ? s + 1 : NULL;
	if (!s)
		return "";
	e = strchr(s, '|');
	n = e ? (size_t)(e - s) : strlen(s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* ---- the vocabulary ---------------------------------------------------- */

static const char *const companies[] = {
	"Acme GmbH|acme", "Globex|globex", "Initech|initech",
	"Umbrella Corp|umbrella", "Øresund Data ApS|oresund",
	"Núcleo Digital S.L.|nucleo", "Zürich Analytics AG|zurich-analytics",
	"Łódź Software|lodz-software", "Hooli|hooli", "Pied Piper|piedpiper",
	"Stark Industries|stark", "Wayne Enterprises|wayne", "Tyrell|tyrell",
	"Cyberdyne|cyberdyne", "Massive Dynamic|massive", "Aperture|aperture",
	"Yoyodyne|yoyodyne", "Vandelay Industries|vandelay",
	"Sirius Cybernetics|sirius", "Nakatomi Trading|nakatomi",
	"Weyland-Yutani|weyland", "Bluth Company|bluth",
	"Dunder Mifflin|dunder-mifflin", "Kōbe Robotics|kobe-robotics",
	"İstanbul Veri A.Ş.|istanbul-veri", "Praha Systems s.r.o.|praha-systems",
	"Université de Lyon|univ-lyon", "Freelance|freelance",
};
static const char *const people_tags[] = {
	"mentor", "investor", "recruiter", "friend", "family", "climbing",
	"python", "rust", "design", "founder", "journalist", "neighbour",
	"alumni", "conference/fosdem", "conference/pycon", "berlin", "lisbon",
	"münchen", "café", "日本", "board", "advisor", "speaker", "oss",
	"ex-colleague", "book-club", "running", "parent", "vc", "hiring",
};
static const char *const entry_tags[] = {
	"feedback", "intro", "idea", "career", "book", "travel/lisbon",
	"travel/tokyo", "conference/pycon", "conference/fosdem", "family",
	"health", "hiring", "decision", "q3-planning", "offsite", "1on1",
	"followup", "gift", "mentoring", "sabbatical-plans", "naïve-question",
	"réunion", "работа",
};
static const char *const topics[] = {
	"the job offer", "relocation to Lisbon", "the Q3 roadmap",
	"their startup", "hiring a designer", "the conference talk",
	"negotiating salary", "the new office", "parental leave",
	"the migration to Postgres", "open source funding", "the team offsite",
	"her PhD", "his " GREP_WORD, "a " GREP_WORD " next year",
	"the reorg", "pricing", "the board meeting", "burnout",
	"learning Rust", "moving to Zürich", "the kids' school",
	"the marathon", "a book deal", "remote work", "the acquisition",
	"their side project", "the visa application", "career change",
	"the café in Kraków", "a podcast idea", "the Łódź meetup",
	"angel investing", "the apartment hunt", "the wedding",
};
static const char *const places[] = {
	"Café Einstein", "the office", "Blue Bottle", "Søstrene Café",
	"Pastéis de Belém", "Zoom", "the park", "Königsplatz", "Çay Bahçesi",
	"the Italian place", "a noisy bar", "the co-working space", "Teams",
	"the train", "Dim Sum Palace", "Brasserie Lipp", "the gym",
};
static const char *const things[] = {
	"my talk", "the proposal", "the slides", "my writing", "the pitch deck",
	"the design doc", "my management style", "the hiring plan",
	"the blog post", "the demo", "the budget", "the README",
};
static const char *const feedback[] = {
	"too many slides", "speak slower", "great structure, weak ending",
	"be more direct", "the numbers were unconvincing", "loved the demo",
	"needs a clearer ask", "start with the story", "too long by half",
	"I interrupt too much", "the examples landed well",
};
static const char *const books[] = {
	"“Never Split the Difference”", "“The Mom Test”", "“High Output Management”",
	"“Thinking, Fast and Slow”", "“Cien años de soledad”", "“Der Zauberberg”",
	"“The Manager’s Path”", "“Crucial Conversations”", "“Pan Tadeusz”",
};
static const char *const events[] = {
	"PyCon US", "FOSDEM", "RustConf", "a wedding", "university",
	"a hackathon", "the Berlin meetup", "Web Summit", "a dinner party",
	"the kids' school", "SXSW", "re:Invent", "JSConf EU",
};
static const char *const months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const cadences[] = {
	"1w", "2w", "14d", "30d", "1m", "2m", "3m", "90d", "6m", "1y",
};

/* Entry titles; {P} is a mention, {T} an entry tag, {W} a work tag. */
static const char *const titles[] = {
	"Coffee with {P}", "Call with {P}", "Lunch with {P} at {PLACE}",
	"1:1 with {P}", "Dinner with {P} and {P}", "Video call with {P}",
	"Ran into {P}", "Drinks with {P}", "Intro: {P} and {P} #intro",
	"Feedback session with {P} #feedback", "Standup", "Planning {T}",
	"Reading: {BOOK}", "Interview with {P} #hiring", "Mentoring {P}",
	"Walk with {P}", "{P} visited", "Retro {W}", "Gym", "Notes",
	"Offsite prep #offsite", "Catch-up with {P}", "Breakfast with {P}",
	"Text from {P}", "Email thread with {P} and {P}", "Met {P} at {EVENT}",
};
static const char *const sentences[] = {
	"{P} told me about {TOPIC}.",
	"We talked about {TOPIC} and {TOPIC}.",
	"{P} gave me #feedback on {THING}: {FB}.",
	"Blunt #feedback from {P}: {FB}.",
	"Suggested I meet {P}. #intro",
	"{P} introduced me to {P}. #intro",
	"{P} is moving to {CITY} in {MONTH}.",
	"Long conversation about {TOPIC}; {P} has strong opinions on it.",
	"{P} recommended {BOOK}. #book",
	"Asked {P} for advice about {TOPIC}. #career",
	"{P} and {P} both work on {TOPIC} now.",
	"Mentioned that {P} is hiring. #hiring",
	"Reminded myself to check in with {P}'s team soon.",
	"{P} says hi to {P}.",
	"**{P}** was there too, briefly.",
};
static const char *const fillers[] = {
	"The conversation drifted to travel plans and the weather in {CITY}.",
	"Good energy overall, though it ran long.",
	"We agreed to meet again in {N} weeks.",
	"I should write down more of these conversations.",
	"Nothing urgent, but worth remembering.",
	"Took notes on {TOPIC} for later. {T}",
	"Idea: a short write-up on {TOPIC}. #idea",
	"It rained the whole time, so we stayed inside.",
	"The place was loud; we moved somewhere quieter after an hour.",
	"Spent most of the time on {TOPIC}.",
	"Coffee was excellent, the croissants less so.",
	"Decided to revisit this after the holidays.",
	"Learned a lot about {TOPIC} — more than I expected.",
	"Both of us were tired, so it was short.",
	"Follow up on {TOPIC} next month.",
	"Wrote down three questions to ask next time.",
	"Sent the summary afterwards, with the links and the numbers we discussed.",
	"The main takeaway: {TOPIC} matters more than I thought. {T}",
	"We disagreed on {TOPIC}, politely.",
	"Budget is tight this year; {W} is cutting travel.",
};
/* The traps of the inline syntax: most @x and #y here are no mention or tag. */
static const char *const traps[] = {
	"The log said `@{S} pushed #notatag` at midnight.",
	"See https://wiki.example.com/notes#section-{N} for the details.",
	"Issue https://github.com/acme/app/issues/42#issuecomment-{N} has the log.",
	"Mail {EMAIL} or ops@{DOMAIN} about it.",
	"They are migrating from C# to F#; tickets #42 and #2026 are done.",
	"Slides at <https://slides.example/#/{N}>.",
	"Read [the notes #reading](https://notes.example/#desttag) afterwards.",
	"<span title=\"@{S} #htmltag\">hover</span> in raw HTML.",
	"Q&#A and v2#beta are not tags, and neither is #{N}.",
	"Hi @someone-{N}, who is not in my people.",
	"Autolink <mailto:{EMAIL}?subject=#autotag> works too.",
	"Her handle is [@{S}](https://social.example/@{S}).",
};

/* ---- people ----------------------------------------------------------- */

struct person {
	char *name;       /* display name, UTF-8 */
	char *slug;
	char *first;      /* display first name, for [[slug|First]] */
	char *at_alias;   /* an alias usable as @x, or NULL */
	char *wiki_alias; /* an alias with a space ("Z. Müller"), or NULL */
	char *email;      /* first e-mail, NULL if none */
	int culture, company; /* company -1 for none */
	int since, until;     /* when they are in my life (day numbers) */
};

/* An open-addressing set of strings (slugs, folded aliases). */
struct set {
	char **v;
	size_t cap;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void
set_init(struct set *s, size_t n)
{
	for (s->cap = 64; s->cap < 4 * n; s->cap *= 2)
		;
	s->v = xmalloc(s->cap * sizeof(*s->v));
}

/* Add key; false if it was there already. */
static bool
set_add(struct set *s, const char *key)
{
	size_t i = hash(key) & (s->cap - 1);

	for (; s->v[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->v[i], key))
			return false;
	s->v[i] = xstrdup(key);
	return true;
}

/* The whole generator's state. */
struct gen {
	unsigned seed;
	int npeople, nentries, years;
	int today, start, ndays;
	struct person *people;
	int *perm;       /* popularity rank -> person */
	uint64_t *cum;   /* cumulative Zipf weights by rank */
	struct set slugs, aliases;
	const char *dir;
	long files;
	long long bytes;
	int open_followups, done_followups, mentions;
	const struct person *last_pick; /* not the same person twice in a row */
	char edit[64];   /* a journal file in the middle, for hand edits */
};

static int
pick_culture(void)
{
	int total = 0, r;

	for (size_t i = 0; i < NELEM(cultures); i++)
		total += cultures[i].weight;
	r = (int)rnd((unsigned)total);
	for (size_t i = 0; i < NELEM(cultures); i++)
		if ((r -= cultures[i].weight) < 0)
			return (int)i;
	return 0;
}

/* The slug base for a name's ASCII parts, then -2, -3 while taken. */
static char *
unique_slug(struct gen *g, const char *base)
{
	struct buf b = { 0 };

	bputs(&b, *base ? base : "person");
	for (int n = 2; !set_add(&g->slugs, b.p); n++) {
		b.len = 0;
		bprintf(&b, "%s-%d", *base ? base : "person", n);
	}
	return b.p;
}

/* A name as drawn: display parts, their slugs, a nickname. */
struct name {
	char first[64], first_slug[64], nick[32], last[64];
};

/* A name from culture c: display into name, slug base into slug. */
static void
make_name(struct buf *name, struct buf *slug, struct name *n, int c)
{
	const struct culture *k = &cultures[c];
	const char *fs = k->first[rnd((unsigned)k->nfirst)];
	const char *ls = k->last[rnd((unsigned)k->nlast)];
	const char *sep = k->no_space ? "" : " ";
	char la[64];

	part(n->first, sizeof(n->first), fs, 0);
	part(n->first_slug, sizeof(n->first_slug), fs, 1);
	part(n->nick, sizeof(n->nick), fs, 2);
	part(n->last, sizeof(n->last), ls, 0);
	part(la, sizeof(la), ls, 1);
	if (k->family_first) {
		bprintf(name, "%s%s%s", n->last, sep, n->first);
		bprintf(slug, "%s%s%s", la, *la && *n->first_slug ? "-" : "",
			n->first_slug);
		n->last[0] = '\0'; /* no "F. Last" alias for these */
	} else {
		bprintf(name, "%s%s%s", n->first, sep, n->last);
		bprintf(slug, "%s%s%s", n->first_slug,
			*la && *n->first_slug ? "-" : "", la);
	}
}

/* The lower-case ASCII of an alias, as a key for the alias set. */
static void
alias_key(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		buf[n++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
	buf[n] = '\0';
}

/*
 * Aliases, kept unique across people so that each resolves: an @-alias
 * (the nickname, or the accented first name: @Pepe, @Zoë, @Łukasz) and
 * sometimes a wiki alias with a space ("Z. Müller", only as [[...]]).
 */
static void
make_aliases(struct gen *g, struct person *p, const struct name *n)
{
	char key[128];
	struct buf b = { 0 };

	if (*n->nick && pct(70)) {
		alias_key(key, sizeof(key), n->nick);
		if (set_add(&g->aliases, key))
			p->at_alias = xstrdup(n->nick);
	} else if (*n->first_slug && !strchr(n->first, ' ') && pct(20)) {
		if (set_add(&g->aliases, n->first_slug))
			p->at_alias = xstrdup(n->first);
	}
	if (*n->last && (unsigned char)n->first[0] < 0x80 && pct(15)) {
		bprintf(&b, "%c. %s", n->first[0], n->last);
		alias_key(key, sizeof(key), b.p);
		if (set_add(&g->aliases, key)) {
			p->wiki_alias = b.p;
			return;
		}
	}
	free(b.p);
}

static void
make_email(struct person *p, const char *slug_base)
{
	static const char *const free_mail[] = {
		"mail.example", "posteo.example", "fastmail.example", "proton.example",
	};
	struct buf b = { 0 };
	char co[64];

	if (!*slug_base) {
		bprintf(&b, "user%u@%s", rnd(100000), PICK(free_mail));
	} else {
		for (const char *s = slug_base; *s; s++)
			bput(&b, *s == '-' ? "." : s, 1);
		if (p->company >= 0 && pct(60))
			bprintf(&b, "@%s.example",
				part(co, sizeof(co), companies[p->company], 1));
		else
			bprintf(&b, "@%s", PICK(free_mail));
	}
	p->email = b.p;
}

static void
make_person(struct gen *g, struct person *p, int i)
{
	struct buf name = { 0 }, base = { 0 };
	struct name n = { 0 };
	char *dash;

	p->culture = pick_culture();
	if (i > 0 && permille(15)) {
		/* A namesake: two José Núñez are jose-nunez and jose-nunez-2. */
		const struct person *q = &g->people[rnd((unsigned)i)];
		bputs(&name, q->name);
		bputs(&base, q->slug);
		if ((dash = strrchr(base.p, '-')) &&
		    strspn(dash + 1, "0123456789") == strlen(dash + 1) && dash[1])
			*dash = '\0';
		snprintf(n.first, sizeof(n.first), "%s", q->first);
		p->culture = q->culture;
	} else {
		make_name(&name, &base, &n, p->culture);
	}
	p->name = name.p;
	p->first = xstrdup(n.first);
	p->slug = unique_slug(g, base.p);
	p->company = pct(70) ? (int)rnd(NELEM(companies)) : -1;
	make_aliases(g, p, &n);
	make_email(p, base.p);
	free(base.p);
}

/* Zipf-like popularity: rank r has weight 1,000,000 / (r + 3). */
static void
make_popularity(struct gen *g)
{
	uint64_t total = 0;

	g->perm = xmalloc((size_t)g->npeople * sizeof(*g->perm));
	g->cum = xmalloc((size_t)g->npeople * sizeof(*g->cum));
	for (int i = 0; i < g->npeople; i++)
		g->perm[i] = i;
	for (int i = g->npeople - 1; i > 0; i--) {
		int j = (int)rnd((unsigned)i + 1), t = g->perm[i];
		g->perm[i] = g->perm[j];
		g->perm[j] = t;
	}
	for (int r = 0; r < g->npeople; r++) {
		total += 1000000 / (uint64_t)(r + 3);
		g->cum[r] = total;
	}
}

static void
make_people(struct gen *g)
{
	g->people = xmalloc((size_t)g->npeople * sizeof(*g->people));
	set_init(&g->slugs, (size_t)g->npeople);
	set_init(&g->aliases, (size_t)g->npeople);
	for (int i = 0; i < g->npeople; i++)
		make_person(g, &g->people[i], i);
	make_popularity(g);
	for (int r = 0; r < g->npeople; r++) {
		struct person *p = &g->people[g->perm[r]];
		/* The best-known people have been around from the start. */
		p->since = r < 10 ? g->start : g->start + (int)rnd((unsigned)g->ndays);
		p->until = g->today;
		if (r >= 10 && pct(25))
			p->until = p->since + (int)rnd((unsigned)(g->today - p->since + 1));
	}
}

/* A person by popularity, preferring someone in my life on that day. */
static struct person *
pick_person(struct gen *g, int day)
{
	struct person *p = NULL;

	for (int tries = 0; tries < 6; tries++) {
		uint64_t x = next64() % g->cum[g->npeople - 1];
		int lo = 0, hi = g->npeople - 1;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (g->cum[mid] > x)
				hi = mid;
			else
				lo = mid + 1;
		}
		p = &g->people[g->perm[lo]];
		if (p != g->last_pick &&
		    (day < 0 || (day >= p->since && day <= p->until)))
			break;
	}
	g->last_pick = p;
	return p;
}

/* A mention of p in one of the syntaxes DESIGN.md allows. */
static void
put_mention(struct gen *g, struct buf *b, const struct person *p)
{
	unsigned r = rnd(100);

	g->mentions++;
	if (r < 52)
		bprintf(b, "@%s", p->slug);
	else if (r < 62 && p->at_alias)
		bprintf(b, "@%s", p->at_alias);
	else if (r < 78)
		bprintf(b, "[[%s]]", p->name);
	else if (r < 92)
		bprintf(b, "[[%s|%s]]", p->slug, p->first);
	else if (r < 96 && p->wiki_alias)
		bprintf(b, "[[%s]]", p->wiki_alias);
	else
		bprintf(b, "[[%s]]", p->slug);
}

/* ---- text from templates ---------------------------------------------- */

static void
put_work_tag(struct buf *b, int company)
{
	char co[64];

	if (company < 0)
		company = (int)rnd(NELEM(companies));
	bprintf(b, "#work/%s", part(co, sizeof(co), companies[company], 1));
}

/* Expand one placeholder {key} of a template. */
static void
expand_key(struct gen *g, struct buf *b, const char *key, size_t n, int day)
{
	char tmp[64];

#define IS(k) (n == sizeof(k) - 1 && !memcmp(key, k, n))
	if (IS("P"))
		put_mention(g, b, pick_person(g, day));
	else if (IS("S"))
		bputs(b, pick_person(g, day)->slug);
	else if (IS("T"))
		bprintf(b, "#%s", PICK(entry_tags));
	else if (IS("W"))
		put_work_tag(b, -1);
	else if (IS("TOPIC"))
		bputs(b, PICK(topics));
	else if (IS("PLACE"))
		bputs(b, PICK(places));
	else if (IS("THING"))
		bputs(b, PICK(things));
	else if (IS("FB"))
		bputs(b, PICK(feedback));
	else if (IS("BOOK"))
		bputs(b, PICK(books));
	else if (IS("EVENT"))
		bputs(b, PICK(events));
	else if (IS("MONTH"))
		bputs(b, PICK(months));
	else if (IS("N"))
		bprintf(b, "%u", 2 + rnd(9));
	else if (IS("CITY")) {
		const struct culture *k = &cultures[rnd(NELEM(cultures))];
		bputs(b, k->cities[rnd((unsigned)k->ncities)]);
	} else if (IS("EMAIL")) {
		const struct person *p = pick_person(g, -1);
		bputs(b, p->email ? p->email : "someone@example.com");
	} else if (IS("DOMAIN"))
		bprintf(b, "%s.example", part(tmp, sizeof(tmp), PICK(companies), 1));
	else
		bput(b, key - 1, n + 2);
#undef IS
}

static void
expand(struct gen *g, struct buf *b, const char *t, int day)
{
	const char *close;

	for (; *t; t++) {
		if (*t == '{' && (close = strchr(t, '}'))) {
			expand_key(g, b, t + 1, (size_t)(close - t - 1), day);
			t = close;
		} else {
			bput(b, t, 1);
		}
	}
}

/* A paragraph of n sentences, soft-wrapped near 76 columns half the time. */
static void
put_paragraph(struct gen *g, struct buf *b, int n, int day)
{
	bool wrap = pct(50);
	size_t line = b->len;

	for (int i = 0; i < n; i++) {
		struct buf s = { 0 };
		unsigned r = rnd(100);
		expand(g, &s, r < 18 ? PICK(sentences) : r < 96 ? PICK(fillers) :
			PICK(traps), day);
		if (i > 0) {
			if (wrap && b->len - line + s.len > 76) {
				bputs(b, "\n");
				line = b->len;
			} else {
				bputs(b, " ");
			}
		}
		bput(b, s.p, s.len);
		free(s.p);
	}
	bputs(b, "\n");
}

/* ---- writing files ---------------------------------------------------- */

static void
mkdir_p(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die(3, "cannot create '%s': %s", path, strerror(errno));
}

static void
write_file(struct gen *g, const char *rel, const struct buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g->dir, rel);
	if (!(f = fopen(path, "w")))
		die(3, "cannot create '%s': %s", path, strerror(errno));
	if (fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0)
		die(3, "cannot write '%s': %s", path, strerror(errno));
	g->files++;
	g->bytes += (long long)b->len;
}

static void
put_phone(struct buf *b, const char *pattern)
{
	for (; *pattern; pattern++) {
		char d = (char)('0' + rnd(10));
		bput(b, *pattern == 'N' ? &d : pattern, 1);
	}
}

static void
put_birthday(struct buf *b, struct gen *g)
{
	int y, m, d;
	char date[16];

	civil_from_days(g->today - 365 * 22 - (int)rnd(365 * 40), &y, &m, &d);
	if (permille(8))
		m = 2, d = 29, y = 1988 + 4 * (int)rnd(4); /* leap-day births */
	if (pct(30))
		bprintf(b, "- birthday: --%02d-%02d\n", m, d);
	else
		bprintf(b, "- birthday: %s\n", fmt_date(date,
			days_from_civil(y, m, d)));
}

static void
put_fields(struct gen *g, struct buf *b, const struct person *p)
{
	char tmp[64], date[16];
	const struct culture *k = &cultures[p->culture];

	if (p->email && pct(88)) {
		bprintf(b, "- %s: %s\n", pct(3) ? "Email" : "email", p->email);
		for (int n = pct(30) ? 1 + (int)rnd(2) : 0; n > 0; n--)
			bprintf(b, "- email: %s.%u@%s.example\n", p->slug, rnd(100),
				n == 1 ? "work" : "old");
	}
	if (pct(60)) {
		bputs(b, "- phone: ");
		put_phone(b, k->phone);
		bputs(b, "\n");
	}
	if (p->company >= 0)
		bprintf(b, "- company: %s\n", part(tmp, sizeof(tmp),
			companies[p->company], 0));
	if (pct(50))
		put_birthday(b, g);
	if (pct(40))
		bprintf(b, "- city: %s\n", k->cities[rnd((unsigned)k->ncities)]);
	if (pct(30))
		bprintf(b, "- met: %s at %s\n", fmt_date(date, p->since),
			PICK(events));
	if (pct(25)) {
		const struct person *q = pick_person(g, -1);
		if (q != p)
			bprintf(b, "- introduced-by: @%s\n", q->slug);
	}
	if (pct(33))
		bprintf(b, "- every: %s\n", PICK(cadences));
	if (p->at_alias || p->wiki_alias)
		bprintf(b, "- aliases: %s%s%s\n", p->at_alias ? p->at_alias : "",
			p->at_alias && p->wiki_alias ? ", " : "",
			p->wiki_alias ? p->wiki_alias : "");
	if (pct(10))
		bprintf(b, "- website: https://%s.example/#about\n", p->slug);
	if (pct(5))
		bprintf(b, "- Shoe-Size: %u\n", 36 + rnd(12));
	if (pct(60)) {
		bputs(b, "- tags:");
		for (int n = 1 + (int)rnd(3); n > 0; n--)
			bprintf(b, " #%s", PICK(people_tags));
		bputs(b, "\n");
	}
}

static void
put_note_items(struct gen *g, struct buf *b, const struct person *p)
{
	static const char *const items[] = {
		"called about {TOPIC}", "lunch at {PLACE} with {P}",
		"sent a birthday card", "met at {EVENT} #conference",
		"gave me #feedback on {THING}: {FB}", "long walk, talked about {TOPIC}",
		"helped with {TOPIC} {T}",
	};
	char date[16];
	int n = (int)rnd(9);

	if (n)
		bputs(b, "\n");
	for (int i = 0; i < n; i++) {
		int span = p->until - p->since + 1;
		int day = p->since + (int)rnd((unsigned)(span > 0 ? span : 1));
		bprintf(b, "- %s: ", fmt_date(date, day));
		expand(g, b, PICK(items), day);
		bputs(b, "\n");
	}
	if (pct(8)) {
		bprintf(b, "- [%c] ", pct(50) ? 'x' : ' ');
		expand(g, b, "send {P} the article about {TOPIC}\n", -1);
	}
}

static void
put_notes(struct gen *g, struct buf *b, const struct person *p)
{
	static const char *const notes[] = {
		"Met at {EVENT} in {CITY}. {T}", "Works on {TOPIC}.",
		"Knows {P} from university.", "Prefers mornings; hates phone calls.",
		"Introduced me to {P}.", "Kids: {N}. Partner works in {CITY}.",
		"Allergic to nuts, remember for dinners.",
		"Great person to ask about {TOPIC}. #expert",
		"Old handle `@{S}` on the chat, and #notes in `code`.",
		"Website https://{DOMAIN}/#team has a photo.",
	};
	int n = (int)rnd(6);

	for (int i = 0; i < n; i++) {
		bputs(b, "\n");
		for (int j = 1 + (int)rnd(3); j > 0; j--) {
			expand(g, b, PICK(notes), -1);
			bputs(b, j > 1 ? " " : "\n");
		}
	}
	put_note_items(g, b, p);
}

/* Text as written with CRLF line endings (a file saved on Windows). */
static void
crlf(struct buf *b)
{
	struct buf o = { 0 };

	for (size_t i = 0; i < b->len; i++)
		bput(&o, b->p[i] == '\n' ? "\r\n" : b->p + i, b->p[i] == '\n' ? 2 : 1);
	free(b->p);
	*b = o;
}

static void
write_person(struct gen *g, const struct person *p)
{
	struct buf b = { 0 };
	char rel[256];

	if (permille(5))
		bputs(&b, "\xEF\xBB\xBF"); /* a BOM from some editor */
	if (permille(997))
		bprintf(&b, "# %s\n", p->name);
	if (pct(98)) {
		bputs(&b, "\n");
		put_fields(g, &b, p);
	}
	put_notes(g, &b, p);
	if (permille(3))
		crlf(&b);
	snprintf(rel, sizeof(rel), "people/%s.md", p->slug);
	write_file(g, rel, &b);
	free(b.p);
}

/* ---- journal ---------------------------------------------------------- */

static void
put_followup(struct gen *g, struct buf *b, int day)
{
	static const char *const todo[] = {
		"send {P} the {THING}", "ask {P} about {TOPIC}",
		"intro {P} to {P} #intro", "read {BOOK}",
		"book {PLACE} for next time", "write up notes on {TOPIC}",
		"follow up on {TOPIC}", "thank {P} for the intro",
	};
	bool done = day < g->today - 45 ? pct(93) : pct(35);
	char date[16];

	bprintf(b, "- [%c] ", done ? (pct(90) ? 'x' : 'X') : ' ');
	expand(g, b, PICK(todo), day);
	if (pct(65))
		bprintf(b, " due:%s", fmt_date(date, day + 1 + (int)rnd(30)));
	bputs(b, "\n");
	if (pct(4))
		bputs(b, "  - with the numbers from last time\n");
	if (done)
		g->done_followups++;
	else
		g->open_followups++;
}

static void
put_code_block(struct gen *g, struct buf *b, int day)
{
	if (pct(60)) {
		bputs(b, "\n```sh\ngrep -rn '@");
		expand(g, b, "{S}' notes/  # #fencetag\n```\n", day);
	} else {
		bputs(b, "\n    @");
		expand(g, b, "{S} #indentedtag in an indented block\n", day);
	}
}

static void
put_entry_body(struct gen *g, struct buf *b, int day)
{
	int paras = pct(12) ? 0 : 1 + (int)rnd(3);

	for (int i = 0; i < paras; i++) {
		if (i > 0)
			bputs(b, "\n");
		if (pct(2))
			bputs(b, "#feedback from the retro, at the start of a line.\n");
		put_paragraph(g, b, 1 + (int)rnd(9), day);
	}
	if (pct(3))
		put_code_block(g, b, day);
	if (pct(2)) {
		bputs(b, "\n### Notes on ");
		expand(g, b, "{P}\n", day);
		put_paragraph(g, b, 1, day);
	}
	if (pct(20)) {
		bputs(b, "\n");
		for (int n = 1 + (int)rnd(3); n > 0; n--)
			put_followup(g, b, day);
	}
}

static void
put_entry(struct gen *g, struct buf *b, int day, int minutes)
{
	if (minutes >= 0)
		bprintf(b, "## %02d:%02d ", minutes / 60, minutes % 60);
	else
		bputs(b, "## ");
	expand(g, b, PICK(titles), day);
	if (pct(10))
		bprintf(b, " #%s", PICK(entry_tags));
	bputs(b, "\n");
	put_entry_body(g, b, day);
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void
write_day(struct gen *g, int day, int n)
{
	struct buf b = { 0 };
	int times[MAX_PER_DAY];
	char date[16], rel[64], dir[4096];

	fmt_date(date, day);
	if (permille(970))
		bprintf(&b, "# %s\n\n", date);
	if (pct(4)) {
		bputs(&b, "Morning pages: ");
		put_paragraph(g, &b, 1 + (int)rnd(3), day);
		bputs(&b, "\n");
	}
	for (int i = 0; i < n; i++)
		times[i] = 7 * 60 + (int)rnd(16 * 60);
	qsort(times, (size_t)n, sizeof(*times), cmp_int);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			bputs(&b, pct(2) ? "" : "\n"); /* a union merge drops it */
		put_entry(g, &b, day, pct(75) ? times[i] : -1);
	}
	snprintf(dir, sizeof(dir), "%s/journal/%.4s", g->dir, date);
	mkdir_p(dir);
	snprintf(rel, sizeof(rel), "journal/%.4s/%s.md", date, date);
	write_file(g, rel, &b);
	if (!g->edit[0] && day >= g->start + g->ndays / 2)
		snprintf(g->edit, sizeof(g->edit), "%s", rel);
	free(b.p);
}

/* How many entries each day gets: 1..20 each, exactly nentries in all. */
static int *
day_counts(struct gen *g)
{
	int *c = xmalloc((size_t)g->ndays * sizeof(*c));
	long sum = 0, want = g->nentries;

	if (want < g->ndays) {
		/* Fewer entries than days: one each on distinct days. */
		for (long placed = 0; placed < want;) {
			int i = (int)rnd((unsigned)g->ndays);
			if (!c[i])
				c[i] = 1, placed++;
		}
		return c;
	}
	for (int i = 0; i < g->ndays; i++) {
		unsigned mean = (unsigned)(2 * want / g->ndays);
		c[i] = 1 + (int)rnd(mean > 1 ? mean - 1 : 1);
		if (c[i] > MAX_PER_DAY)
			c[i] = MAX_PER_DAY;
		sum += c[i];
	}
	while (sum != want) {
		int i = (int)rnd((unsigned)g->ndays);
		if (sum < want && c[i] < MAX_PER_DAY)
			c[i]++, sum++;
		else if (sum > want && c[i] > 1)
			c[i]--, sum--;
	}
	return c;
}

static void
write_journal(struct gen *g)
{
	int *counts = day_counts(g);
	char path[4096];

	snprintf(path, sizeof(path), "%s/journal", g->dir);
	mkdir_p(path);
	for (int i = 0; i < g->ndays; i++)
		if (counts[i])
			write_day(g, g->start + i, counts[i]);
	free(counts);
}

/* ---- the repository ---------------------------------------------------- */

static void
write_literal(struct gen *g, const char *rel, const char *text)
{
	struct buf b = { 0 };

	bputs(&b, text);
	write_file(g, rel, &b);
	free(b.p);
}

static void
prepare_dir(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (mkdir(dir, 0755) == 0)
		return;
	if (errno != EEXIST || !(d = opendir(dir)))
		die(3, "cannot create '%s': %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			die(2, "'%s' is not empty: give a new directory", dir);
	closedir(d);
}

/* Run git with args in dir; die unless it exits 0. */
static void
git(const char *dir, const char *const *args)
{
	const char *argv[16] = { "git", "-C", dir };
	size_t n = 3;
	pid_t pid;
	int st;

	for (; *args && n + 1 < NELEM(argv); args++)
		argv[n++] = *args;
	argv[n] = NULL;
	fflush(NULL);
	if ((pid = fork()) < 0)
		die(3, "cannot run git: %s", strerror(errno));
	if (pid == 0) {
		execvp("git", (char *const *)argv);
		fprintf(stderr, "%s: cannot run git: %s: install git\n", argv0,
			strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die(3, "'git %s' failed in '%s'", argv[3], dir);
}

static void
commit(struct gen *g)
{
	char msg[128], date[64];

	snprintf(msg, sizeof(msg), "bench: generated repository (seed %u, %d people, "
		"%d entries)", g->seed, g->npeople, g->nentries);
	snprintf(date, sizeof(date), "%lld +0000", (long long)g->today * 86400);
	setenv("GIT_AUTHOR_NAME", "kith bench", 1);
	setenv("GIT_AUTHOR_EMAIL", "bench@kith.invalid", 1);
	setenv("GIT_COMMITTER_NAME", "kith bench", 1);
	setenv("GIT_COMMITTER_EMAIL", "bench@kith.invalid", 1);
	setenv("GIT_AUTHOR_DATE", date, 1);
	setenv("GIT_COMMITTER_DATE", date, 1);
	git(g->dir, (const char *const[]){ "init", "-q", "-b", "main", NULL });
	git(g->dir, (const char *const[]){ "add", "-A", NULL });
	/* gc.auto=0: a detached auto gc would race the repack below */
	git(g->dir, (const char *const[]){ "-c", "commit.gpgsign=false",
		"-c", "gc.auto=0", "commit", "-q", "--no-verify", "-m", msg, NULL });
	git(g->dir, (const char *const[]){ "repack", "-a", "-d", "-q", NULL });
}

static void
write_repo(struct gen *g)
{
	char path[4096];

	prepare_dir(g->dir);
	snprintf(path, sizeof(path), "%s/people", g->dir);
	mkdir_p(path);
	write_literal(g, "kith.conf", "# kith.conf - settings of this kith "
		"repository, in git-config syntax (see kith(5)).\n"
		"[kith]\n\tdueDays = 7\n");
	write_literal(g, ".gitattributes", "journal/** merge=union\n");
	write_literal(g, ".gitignore", ".kith/\n");
	for (int i = 0; i < g->npeople; i++)
		write_person(g, &g->people[i]);
	write_journal(g);
}

/* ---- main ------------------------------------------------------------- */

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: gen [--seed N] [--size small|medium|large] [--people N]\n"
		"           [--entries N] [--years N] [--today YYYY-MM-DD]\n"
		"           [--no-git] DIR\n", f);
	exit(code);
}

static int
number(const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "%s: '%s' is not a number from %d to %d\n", argv0, s,
			min, max);
		usage(stderr, 2);
	}
	return (int)v;
}

static void
set_size(struct gen *g, const char *size)
{
	if (!strcmp(size, "small"))
		g->npeople = 200, g->nentries = 2000, g->years = 2;
	else if (!strcmp(size, "medium"))
		g->npeople = 1000, g->nentries = 20000, g->years = 10;
	else if (!strcmp(size, "large"))
		g->npeople = 5000, g->nentries = 100000, g->years = 20;
	else
		die(2, "unknown size '%s': use small, medium or large", size);
}

static void
report(const struct gen *g)
{
	const struct person *p = &g->people[g->perm[0]];
	char date[16];

	printf("seed=%u\npeople=%d\nentries=%d\ndays=%d\n", g->seed, g->npeople,
		g->nentries, g->ndays);
	printf("first=%s\n", fmt_date(date, g->start));
	printf("today=%s\n", fmt_date(date, g->today));
	printf("since=%s\n", fmt_date(date, g->today - 30));
	printf("files=%ld\nbytes=%lld\n", g->files, g->bytes);
	printf("mentions=%d\nopen_followups=%d\ndone_followups=%d\n", g->mentions,
		g->open_followups, g->done_followups);
	printf("person=%s\nperson_name=%s\n", p->slug, p->name);
	printf("tag=feedback\nword=%s\n", GREP_WORD);
	printf("edit=%s\n", g->edit);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "people", required_argument, NULL, 'p' },
		{ "entries", required_argument, NULL, 'e' },
		{ "years", required_argument, NULL, 'y' },
		{ "today", required_argument, NULL, 't' },
		{ "no-git", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen g = { .seed = 1 };
	int c, people = 0, entries = 0, years = 0;
	bool use_git = true;

	set_size(&g, "small");
	g.today = days_from_civil(2026, 11, 25);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': g.seed = (unsigned)number(optarg, 0, 2000000000); break;
		case 'z': set_size(&g, optarg); break;
		case 'p': people = number(optarg, 1, 1000000); break;
		case 'e': entries = number(optarg, 0, 10000000); break;
		case 'y': years = number(optarg, 1, 200); break;
		case 't':
			if (!parse_date(&g.today, optarg))
				die(2, "bad date '%s': use YYYY-MM-DD", optarg);
			break;
		case 'n': use_git = false; break;
		case 'h': usage(stdout, 0);
		default: usage(stderr, 2);
		}
	}
	if (optind + 1 != argc)
		usage(stderr, 2);
	g.npeople = people ? people : g.npeople;
	g.nentries = entries ? entries : g.nentries;
	g.years = years ? years : g.years;
	g.dir = argv[optind];
	{
		int y, m, d;
		civil_from_days(g.today, &y, &m, &d);
		g.start = days_from_civil(y - g.years, m, d) + 1;
		g.ndays = g.today - g.start + 1;
	}
	rng = (uint64_t)g.seed * 0x2545F4914F6CDD1Dull + (uint64_t)g.npeople;
	make_people(&g);
	write_repo(&g);
	if (use_git)
		commit(&g);
	report(&g);
	return fflush(stdout) == 0 ? 0 : 3;
}
