//! Harm words: the word lists of the harm grammar (`score::harm`). They are linguistic
//! data like the lexicons: the means of harm, the verbs that bring or use them, the
//! targets (the agent, the staff, the company's premises), the predicates of self-harm,
//! and the neighbours that make a look-alike (砍价, 累死了, 跳楼价) or a third party's act.
//! Fixed phrases (同归于尽, 跳楼, 不想活了) are lexicon terms in `escalation.tsv`; these
//! lists are for what is said in other words around them.
//!
//! Words are matched against the normalized (simplified) text of a clause, so a list
//! word need not be one segmenter token (天台 is cut 天|台上, 一把火把 glues 火把).

use super::CjkSet;

/// Means of violence or arson brought to the premises (刀, 汽油, 硫酸, 煤气罐).
pub(crate) const MEANS: &[&str] = &[
    "刀",
    "刀子",
    "菜刀",
    "砍刀",
    "尖刀",
    "水果刀",
    "匕首",
    "斧头",
    "斧子",
    "铁棍",
    "棍子",
    "钢管",
    "枪",
    "汽油",
    "柴油",
    "煤油",
    "硫酸",
    "盐酸",
    "硝酸",
    "强酸",
    "浓硫酸",
    "炸药",
    "雷管",
    "炸弹",
    "煤气罐",
    "液化气罐",
    "液化气",
    "燃气罐",
    "煤气",
];

/// Compounds that contain a means word but name something else (刀具 the product,
/// 硫酸铜 a reagent, 煤气费 a bill): the clause text at a means word must not continue
/// with one of these endings.
pub(crate) const MEANS_NOT: &[&str] = &[
    "具",
    "铜",
    "费",
    "表",
    "灶",
    "卡",
    "站",
    "价",
    "添加剂",
    "味",
    "钱",
    "车",
    "工",
    "片",
    "架",
    "法",
    "锋",
    "口",
    "刃",
];

/// Verbs that bring, hold, buy in readiness, pour or light a means (带着刀, 扛着煤气罐,
/// 买好了汽油, 泼硫酸).
pub(crate) const CARRY_VERBS: &[&str] = &[
    "带",
    "带上",
    "带着",
    "带了",
    "拿",
    "拿着",
    "拿上",
    "揣",
    "揣着",
    "扛",
    "扛着",
    "提",
    "提着",
    "拎",
    "拎着",
    "抱",
    "抱着",
    "背着",
    "灌",
    "灌好",
    "灌了",
    "买好",
    "备好",
    "准备好",
    "准备了",
    "泼",
    "浇",
    "点",
    "动",
    "带来",
    "带过来",
    "拿来",
];

/// Verbs of buying, as the start of a segmenter token (买, 买了, 买瓶, 去买): they bring a
/// means only when the speaker then goes to the target (买桶汽油去你们店), not in a
/// purchase complaint (在你们店买了一把刀).
pub(crate) const BUY_VERBS: &[&str] = &["买", "去买", "我去买"];

/// Going to the target after buying a means (去, 到, 上门).
pub(crate) const MOVEMENT: &[&str] = &["去", "到", "上门", "来"];

/// Demonstratives and measure words that may stand between a verb and its object (捅了那个
/// 催收员).
pub(crate) const DETERMINERS: &[&str] = &[
    "那个", "这个", "那些", "这些", "那帮", "这帮", "个", "了", "掉", "死",
];

/// Whom or what a threat is aimed at: the agent, the staff, the company and its premises,
/// or 谁 of a conditional (谁拦我我就…). Words of one char match only as a whole segmenter
/// token; longer ones anywhere in the text (你们经理, 那个业务员). The customer's own 公司,
/// 领导 or 老板 is no target.
pub(crate) const TARGETS: &[&str] = &[
    "你",
    "你们",
    "您",
    "您们",
    "贵公司",
    "谁",
    "上门",
    "客服",
    "经理",
    "业务员",
    "员工",
    "店员",
    "工作人员",
    "主管",
    "销售",
    "柜员",
    "营业员",
    "催收",
    "营业部",
    "门店",
    "营业厅",
    "总部",
    "售楼部",
    "售楼处",
    "办公室",
    "店里",
    "仓库",
    "网点",
    "柜台",
];

/// Premises of the company: 你们 + one of these (你们公司, 你们店) is a target place.
pub(crate) const PREMISES: &[&str] = &[
    "公司",
    "店",
    "门店",
    "营业厅",
    "总部",
    "售楼部",
    "售楼处",
    "办公室",
    "仓库",
    "网点",
    "大楼",
    "大厦",
    "大堂",
    "门口",
    "店门口",
    "柜台",
    "银行",
    "工厂",
    "营业部",
];

/// Words that make bringing a means a service errand (拿着刀去你们店里退货): the means is
/// the product.
pub(crate) const ERRANDS: &[&str] = &[
    "退货", "换货", "退换", "维修", "检测", "鉴定", "寄回", "售后", "保修", "质检",
];

/// Words that make a means the product talked about (这刀质量太差, 刀切了一下就断了):
/// its quality or its use in the kitchen.
pub(crate) const PRODUCT_TALK: &[&str] = &[
    "质量",
    "做工",
    "钝",
    "生锈",
    "卷刃",
    "缺口",
    "开刃",
    "刀刃",
    "切菜",
    "切肉",
    "刀切",
    "切了",
    "削皮",
    "不锋利",
    "不快",
];

/// After a means brought: going there, the premises understood (我就带汽油过去).
pub(crate) const THERE: &[&str] = &["过去", "过来", "上门"];

/// Verbs of violence against a person (砍, 捅, 揍), alone or with a result from
/// [`RESULTS`] (砍死, 废了, 拧下来).
pub(crate) const PERSON_VERBS: &[&str] = &[
    "砍", "捅", "杀", "宰", "剁", "劈", "揍", "废", "拧", "掐", "勒", "弄死", "打死", "砍死",
    "捅死", "杀掉", "干掉", "做掉", "打断", "打残", "弄残", "拧断",
];

/// Verbs that are violence only with a strong result (打死, 弄残): 打了客服电话 is a call.
pub(crate) const WEAK_VERBS: &[&str] = &["打", "弄"];

/// Strong results that make a weak verb violence (打死, 打断, 弄残).
pub(crate) const STRONG_RESULTS: &[&str] = &["死", "断", "残", "伤", "烂", "翻"];

/// Verbs of violence against property (砸了你们店, 烧了你们仓库, 把你们店给点了): only with
/// the premises as object (砸你们牌子 is a figure).
pub(crate) const PROPERTY_VERBS: &[&str] = &["砸", "烧", "点", "炸"];

/// Property verbs that are arson only in a 把 phrase (把你们店给点了): 点了你们店的外卖 is an
/// order, 点上门取件 a click.
pub(crate) const BA_ONLY_VERBS: &[&str] = &["点"];

/// Result complements of a violence verb (砍死, 砸烂, 拧下来, 烧了).
pub(crate) const RESULTS: &[&str] = &[
    "", "死", "了", "掉", "断", "残", "烂", "伤", "下来", "个", "翻", "光", "碎", "着",
];

/// Arson and fire used on a target (一把火, 放火).
pub(crate) const FIRE: &[&str] = &["一把火", "放火", "点火", "纵火", "点把火", "放把火"];

/// Harm outcomes a speaker causes (让你们出人命, 叫你们血溅当场).
pub(crate) const OUTCOMES: &[&str] = &[
    "血溅",
    "出人命",
    "见血",
    "偿命",
    "陪葬",
    "血债血偿",
    "活不过",
    "活不成",
];

/// Causatives before an outcome (让你们出人命).
pub(crate) const CAUSATIVES: &[&str] = &["让", "叫", "要", "就让", "就叫"];

/// Conditional openers of violence: 谁/哪个 (谁敢拦我, 哪个客服再推脱).
pub(crate) const CONDITIONAL_WHO: &[&str] = &["谁", "哪个"];

/// Kin of a staff member (你孩子, 你们客服的家里人).
pub(crate) const KIN: &[&str] = &[
    "孩子",
    "家人",
    "家里人",
    "老婆",
    "老公",
    "女儿",
    "儿子",
    "爸妈",
    "父母",
    "全家",
    "一家",
    "小孩",
];

/// What makes a mention of a staff member's kin a threat: knowing where they are, or a
/// warning (你孩子在哪个学校, 家里人小心点). The first [`KIN_WHEREABOUTS`] are whereabouts.
pub(crate) const KIN_THREATS: &[&str] = &[
    "在哪",
    "住哪",
    "哪个学校",
    "小心",
    "掂量",
    "等着",
    "出事",
    "好看",
    "注意安全",
];
/// How many of [`KIN_THREATS`] (from the start) say the speaker knows where the kin are.
pub(crate) const KIN_WHEREABOUTS: usize = 3;

/// Forms of "live" as a predicate (活, 活着, 活下去).
pub(crate) const LIVE: &[&str] = &["活", "活着", "活下去", "活了", "活够", "活够了"];

/// Before "live": not wanting or not able to (不想活, 没脸活, typo 不像活, Cantonese 唔想).
pub(crate) const LIVE_DENIED: &[&str] = &[
    "不想",
    "不像",
    "唔想",
    "不愿",
    "不愿意",
    "没法",
    "没脸",
    "不要再",
    "不能再",
    "不想再",
    "不配",
];

/// After "live": it is pointless or enough (活着没意思, 活着有什么意思, 活够够的).
pub(crate) const LIVE_POINTLESS: &[&str] = &[
    "没意思",
    "没意义",
    "有什么用",
    "有啥用",
    "没用",
    "没有意义",
    "太累",
    "好累",
    "真累",
    "没什么意思",
    "没有意思",
    "没啥意思",
    "有什么意思",
    "有啥意思",
    "没劲",
    "没盼头",
    "没有盼头",
    "干嘛",
    "干什么",
    "够了",
    "够够",
];

/// "Die" with the speaker's will before it (去死, 想死, 一头撞死).
pub(crate) const DIE_WILLED: &[&str] = &[
    "去死",
    "想死",
    "寻死",
    "求死",
    "一头撞死",
    "撞死算了",
    "死了算了",
    "死了之",
    "死掉算了",
];

/// After 想死 / 去死: the word is a figure of speech (想死你了, 想死我了: missing someone).
pub(crate) const DIE_FIGURATIVE_AFTER: &[&str] = &["你", "您", "我", "他", "她", "了吧"];

/// Jumping (往下跳, 跳下去); the bare 跳 only with a high place in the utterance.
pub(crate) const JUMP: &[&str] = &[
    "跳下去",
    "往下跳",
    "跳下来",
    "跳楼",
    "跳河",
    "跳江",
    "跳海",
    "跳桥",
];

/// High places one may jump from (楼顶, 天台, 十八楼).
pub(crate) const HIGH_PLACES: &[&str] = &[
    "楼顶", "顶楼", "天台", "楼上", "阳台", "窗户", "窗台", "楼", "大楼", "大厦", "桥", "桥上",
];

/// Being at a place (站在楼顶, 已经在天台上了).
pub(crate) const PRESENCE: &[&str] =
    &["在", "站在", "坐在", "爬上", "爬到", "上了", "到了", "来到"];

/// After a jump or a high place: the word names a price, a sale or a ride (跳楼价, 跳楼机).
pub(crate) const JUMP_NOT: &[&str] = &["价", "甩卖", "大甩卖", "清仓", "促销", "水", "漏", "机"];

/// Self-harm means (安眠药, 农药, 百草枯).
pub(crate) const SELF_MEANS: &[&str] = &["安眠药", "农药", "老鼠药", "百草枯", "敌敌畏", "毒药"];
/// Means that are self-harm only in a context of death ([`DEATH_CONTEXT`]) and as a word of
/// their own (药, not 药店).
pub(crate) const SELF_MEANS_GENERIC: &[&str] = &["药", "炭", "绳子", "刀片"];
/// Verbs that take a self-harm means (吃了, 喝下去, 点上).
pub(crate) const SELF_VERBS: &[&str] = &["吃", "喝", "吞", "服", "点", "烧", "割", "上吊"];
/// The act is done or about to be (已经, 下去, 一整瓶).
pub(crate) const SELF_DONE: &[&str] = &[
    "已经", "下去", "整瓶", "一瓶", "一把", "完了", "上了", "好了",
];
/// Context that makes a generic means (药, 炭, 绳子) self-harm: death, sealing a room.
pub(crate) const DEATH_CONTEXT: &[&str] = &[
    "收尸",
    "后事",
    "遗书",
    "遗嘱",
    "遗言",
    "死",
    "永别",
    "下辈子",
    "封好",
    "封死",
    "车窗",
    "门窗",
    "密封",
];

/// Dying at the premises (我就死在你们营业厅): 死在 before a target.
pub(crate) const DIE_AT: &str = "死在";

/// Last words and arrangements (交代后事, 写好遗嘱).
pub(crate) const LAST_WORDS: &[&str] = &["后事", "遗书", "遗嘱", "遗言"];
/// Verbs that make last words the speaker's act (写好, 交代, 安排好).
pub(crate) const LAST_WORDS_VERBS: &[&str] = &["写", "交代", "安排", "准备", "留"];

/// Despair with no way out (撑不下去, 熬不下去): high, when the speaker is the subject.
pub(crate) const DESPAIR: &[&str] = &[
    "不想再撑",
    "撑不下去",
    "熬不下去",
    "挺不下去",
    "走投无路",
    "没有活路",
    "没活路",
];

/// Third parties: a clause whose subject is one of them reports another's act (有人跳楼了,
/// 男主跳楼, 我爸的后事).
pub(crate) const THIRD_PARTIES: &[&str] = &[
    "他",
    "她",
    "他们",
    "她们",
    "有人",
    "别人",
    "人家",
    "男主",
    "女主",
    "主角",
    "邻居",
    "朋友",
    "同事",
    "网友",
    "父亲",
    "母亲",
    "爸",
    "妈",
    "爸爸",
    "妈妈",
    "老爸",
    "老妈",
    "老公",
    "老婆",
    "孩子",
    "儿子",
    "女儿",
    "老人",
    "奶奶",
    "爷爷",
    "外婆",
    "外公",
    "快递员",
    "小哥",
    "司机",
    "明星",
    "演员",
];

/// Before a third party: a companion, not the subject (我带着孩子从楼上跳下去).
pub(crate) const COMPANIONS: &[&str] = &["带着", "带", "抱着", "和", "跟", "连", "领着"];

/// The speaker as a subject: first person words besides the function-word list's.
pub(crate) const SPEAKER: &[&str] = &["我", "俺", "我人", "本人", "老子", "我就", "我都", "我也"];

/// Owners of premises (你们公司, 你家店).
pub(crate) const SECOND_PERSON_OWNERS: &[&str] = &["你们", "你家", "您家"];

/// Third-person pronouns: a target when the utterance names a staff member or asks 谁
/// (你们经理敢露面，我当场废了他).
pub(crate) const HE_SHE: &[&str] = &["他", "她"];

/// Owners of kin that make it a staff member's (你孩子, 您的家人).
pub(crate) const KIN_OWNERS: &[&str] = &["你", "你们", "您", "你家", "你的", "您的"];

/// The speaker's intent or a condition's consequence before an act (我就跳, 要去喝农药).
pub(crate) const INTENT: &[&str] = &["就", "要", "会", "去"];

/// Roofs and ledges one stands on (我已经在你们大厦天台上了).
pub(crate) const ROOFS: &[&str] = &["楼顶", "顶楼", "天台", "阳台边", "窗台上", "桥上"];

/// High places in the utterance that make a bare 跳 a jump (站在顶楼…我就跳).
pub(crate) const JUMP_FROM: &[&str] = &["楼顶", "顶楼", "天台", "楼上", "阳台", "窗台", "桥上"];

/// Being there now (已经在楼顶, 现在在天台).
pub(crate) const NOW: &[&str] = &["已经", "现在"];

/// Staying on a roof (在你们楼顶站了半个小时): what may follow it.
pub(crate) const ROOF_STAY: &[&str] = &["站", "坐", "待", "蹲"];

/// What may end a clause after a roof, with nothing more said (天台上了).
pub(crate) const CLAUSE_END: &str = "了呢啊呀吧";

/// What may follow a jump word inside its token (跳楼了, 跳河算了); anything else makes
/// the token a compound (跳楼机, 跳楼价).
pub(crate) const AFTER_JUMP: &str = "了吧啊呀的算去";

/// The means came from the company (你们卖的刀, 收到的菜刀): it is the product.
pub(crate) const PRODUCT_SOURCES: &[&str] = &[
    "卖的",
    "买的",
    "收到的",
    "发的",
    "寄来的",
    "发来的",
    "收到了",
];

/// Adverbs that may stand before a predicate whose subject is the speaker unsaid
/// (真的撑不下去了).
pub(crate) const SUBJECT_ADVERBS: &[&str] = &[
    "真的", "真", "实在", "快", "已经", "都", "也", "要", "就", "是", "现在", "再",
];

/// The grammar's rules, in [`RULE_KEYS`] order: means brought, violence, arson and caused
/// outcomes, kin, not wanting to live, a willed death, a jump or a roof, a self-harm means,
/// last words or despair. Each with the anchor word lists one of which it needs.
#[cfg(test)]
const RULE_ANCHORS: [&[&[&str]]; 8] = [
    &[MEANS],
    &[PERSON_VERBS, WEAK_VERBS, PROPERTY_VERBS],
    &[FIRE, OUTCOMES],
    &[KIN],
    &[LIVE],
    &[DIE_WILLED, &[DIE_AT]],
    &[JUMP, ROOFS, &["跳"]],
    &[SELF_MEANS, SELF_MEANS_GENERIC, LAST_WORDS, DESPAIR],
];

/// Key chars of each rule: every anchor word of the rule holds one of them (a test checks),
/// so one pass over a text's chars tells which rules can apply; most texts need none.
pub(crate) static RULE_KEYS: [CjkSet; 8] = [
    CjkSet::new("刀枪汽柴煤酸炸雷钢棍斧匕液燃罐"),
    CjkSet::new("砍捅杀宰剁劈揍废拧掐勒死掉断残伤烂翻砸烧炸点打弄"),
    CjkSet::new("火血命偿葬活"),
    CjkSet::new("孩家婆公女儿爸父母"),
    CjkSet::new("活"),
    CjkSet::new("死"),
    CjkSet::new("跳顶台桥"),
    CjkSet::new("药毒枯畏炭绳刀遗事撑熬挺路"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_anchor_word_holds_a_key_char_of_its_rule() {
        for (rule, lists) in RULE_ANCHORS.iter().enumerate() {
            for word in lists.iter().flat_map(|l| l.iter()) {
                assert!(
                    word.chars().any(|c| RULE_KEYS[rule].contains(c)),
                    "rule {rule}: {word} has no key char"
                );
            }
        }
    }
}
