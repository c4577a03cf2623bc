//! Function words: the grammar word lists the scorer reads (particles, speech verbs,
//! acknowledgements, question words, counters …). They are linguistic data like the
//! lexicons; the lexicon's probe table holds every word of [`CLASS_LISTS`], so that the
//! lookup that matches a token also gives its classes ([`word_class`]).

use super::CjkSet;
use crate::types::{CueCategory, DeniedBy};

/// Speech verbs: with a subject other than the speaker (他说, 我老婆说, 新闻里说) what
/// follows in the sentence is reported speech.
const SPEECH_VERBS: &[&str] = &[
    "说", "讲", "称", "表示", "声称", "说要", "说是", "扬言", "嚷嚷", "喊着",
];
/// The speaker (我, 咱们): a speech verb after it is no report.
const FIRST_PERSON_WORDS: &[&str] = &[
    "我", "我们", "咱", "咱们", "本人", "俺", "我就", "我也", "我都",
];

/// Words that may stand between a speaker and a speech verb (我就说, 他当时还说).
const SPEECH_FILLERS: &[&str] = &[
    "得", "就", "也", "都", "还", "又", "一直", "再", "会", "要", "跟", "对", "和", "已经", "早就",
    "早", "刚", "刚才", "曾", "当时", "之前", "上次", "明明", "气得", "急得", "不是", "没", "也是",
];

/// Negators that deny the speaker's own intent (不用退款): they neutralize even refund
/// cues, where a bare 不/没 usually reports the other side's refusal (不给退款, 没退款).
pub(crate) const INTENT_NEGATORS: &[&str] = &[
    "不用",
    "不需要",
    "不要",
    "不想",
    "不是",
    "无需",
    "不必",
    "并不",
    "并没有",
    "没想",
];

/// First chars of a counted or elapsed-time pattern besides digits and 〇.
pub(crate) static COUNT_STARTS: CjkSet = CjkSet::new("第好零一二两三四五六七八九十百千几多半");

/// Counters of a repeat (三次, 打了五个电话).
pub(crate) const COUNT_UNITS: &[&str] =
    &["次", "遍", "回", "趟", "次了", "遍了", "个电话", "通电话"];

/// Units of elapsed time (三天, 两个星期).
pub(crate) const DURATION_UNITS: &[&str] = &[
    "天",
    "日",
    "个月",
    "月",
    "周",
    "个星期",
    "星期",
    "个礼拜",
    "礼拜",
    "小时",
    "个小时",
    "个钟头",
    "分钟",
    "年",
    "个工作日",
    "工作日",
];

/// Words before a duration that make it elapsed time (都三天了, 等了两周).
const ELAPSED_BEFORE: &[&str] = &[
    "都",
    "已经",
    "快",
    "整整",
    "足足",
    "等了",
    "过了",
    "拖了",
    "都已经",
];

/// Characters of contact verbs (打, 问, 联系, 电话, 催, 反映, 投诉 …): a clause with one of
/// them makes a counted repeat (打了五次) a repeat contact.
static CONTACT_CHARS: CjkSet = CjkSet::new("打问联说催电话映找提申投诉咨沟交重跑修门来");

/// A contact verb char.
#[inline]
pub(crate) fn is_contact_char(c: char) -> bool {
    CONTACT_CHARS.contains(c)
}

/// Acknowledgements that accept an answer when they make up a whole clause.
const ACCEPTANCE: &[&str] = &[
    "好的",
    "好",
    "嗯",
    "嗯嗯",
    "恩",
    "恩恩",
    "行",
    "ok",
    "okay",
    "好滴",
    "好嘞",
    "收到",
    "明白了",
    "知道了",
    "了解",
    "明白",
    "可以了",
    "好了",
    "好哒",
    "嗯呢",
    "好的呢",
];

/// "Why" words that challenge an answer in a customer turn.
const WHY: &[&str] = &["为什么", "为啥", "干嘛", "干吗", "咋回事"];

/// Question words: with them, a final 呢 makes a question.
const INTERROGATIVES: &[&str] = &[
    "怎么办",
    "怎么回事",
    "怎样",
    "怎么样",
    "什么时候",
    "为何",
    "如何",
    "啥",
    "哪里",
    "哪儿",
    "哪个",
    "干什么",
    "怎么",
    "为什么",
    "为啥",
    "什么",
    "哪",
    "谁",
    "多久",
    "几时",
    "咋",
];

/// Sentence particles that close a negation's scope.
const SCOPE_PARTICLES: &[&str] = &["了", "啦", "吧", "啊", "呢", "哦", "嘛", "呀", "哈", "喔"];

/// Words that start with 不/没 but do not say no.
const NOT_NEGATED_WORDS: &[&str] = &[
    "不管",
    "不仅",
    "不但",
    "不论",
    "不断",
    "不同",
    "不少",
    "不久",
    "没收",
    "不然",
    "不如",
    "不过",
    "不止",
    "不只",
    "不禁",
    "不料",
    "不妨",
    "不免",
    "不时",
    "不外",
    "不论是",
    "不管是",
    "没事",
    "没关系",
    "不客气",
    "不好意思",
    "不要紧",
    "没什么",
];

// Function-word classes: one hash lookup per unit instead of scanning word lists.
pub(crate) const PARTICLE: u16 = 1;
pub(crate) const FILLER: u16 = 1 << 1;
pub(crate) const FIRST_PERSON: u16 = 1 << 2;
pub(crate) const SPEECH: u16 = 1 << 3;
pub(crate) const NOT_NEGATED: u16 = 1 << 4;
pub(crate) const ACCEPT: u16 = 1 << 5;
pub(crate) const AFFIRM: u16 = 1 << 6;
pub(crate) const INTERROGATIVE: u16 = 1 << 7;
pub(crate) const WHY_WORD: u16 = 1 << 8;
pub(crate) const ELAPSED: u16 = 1 << 9;
pub(crate) const CONTACT: u16 = 1 << 10;

/// The function-word lists and their class flags.
pub(crate) const CLASS_LISTS: [(&[&str], u16); 10] = [
    (SCOPE_PARTICLES, PARTICLE),
    (SPEECH_FILLERS, FILLER),
    (FIRST_PERSON_WORDS, FIRST_PERSON),
    (SPEECH_VERBS, SPEECH),
    (NOT_NEGATED_WORDS, NOT_NEGATED),
    (ACCEPTANCE, ACCEPT),
    (AFFIRMATIONS, AFFIRM),
    (INTERROGATIVES, INTERROGATIVE),
    (WHY, WHY_WORD),
    (ELAPSED_BEFORE, ELAPSED),
];

/// Every word of the function-word lists: the lexicon's probe table holds them, so that
/// the lookup that matches a token also gives its classes.
pub(crate) fn function_words() -> impl Iterator<Item = &'static str> {
    CLASS_LISTS
        .into_iter()
        .flat_map(|(list, _)| list.iter().copied())
}

/// The function-word classes of a word (0 for most words). The scorer reads them from
/// the units (their probes); this is what the probes are built from.
pub(crate) fn word_class(word: &str) -> u16 {
    let mut class = 0;
    for (list, flag) in CLASS_LISTS {
        if list.contains(&word) {
            class |= flag;
        }
    }
    class | contact_class(word)
}

/// [`CONTACT`] when the word has a contact verb char, the only class a word outside the
/// function-word lists can have.
#[inline]
pub(crate) fn contact_class(word: &str) -> u16 {
    if word.chars().any(is_contact_char) {
        CONTACT
    } else {
        0
    }
}

/// Potential complements of failure: 申请不了, 找不到, 打不开, 登不上.
pub(crate) const INABILITY: &[&str] = &[
    "不了",
    "不到",
    "不上",
    "不开",
    "不通",
    "不出",
    "不动",
    "不进去",
    "不进",
    "不下来",
    "不回来",
    "不过来",
    "不着",
];

/// Words before an agent's promise phrase that make the customer its subject: the
/// customer is asked to ensure something (请您保证包装完好, 您需要确保, 务必保证).
pub(crate) const CUSTOMER_SUBJECT: &[&str] = &[
    "请",
    "请您",
    "麻烦您",
    "您",
    "你",
    "您们",
    "你们",
    "务必",
    "需要您",
    "您需要",
    "您要",
    "要求您",
];

/// Words after a speech verb that close its clause (这么说的, 说过了): the speech is
/// before the verb, nothing after it is reported.
pub(crate) const SPEECH_CLOSERS: &[&str] = &["的", "了", "过", "过了", "的了", "呢", "吧", "啊"];

/// Speech verbs that, after a second person and before a question, ask the addressee to
/// judge (你说这像话吗, 你们自己说说这合理吗): an appeal, not reported speech.
pub(crate) const APPEAL_VERBS: &[&str] = &["说", "说说"];

/// Words between a second person and an appeal verb (你们自己说说).
pub(crate) const APPEAL_FILLERS: &[&str] = &["自己", "倒是", "来", "给我"];

/// Openers of a plain enquiry (请问, 想问一下, 咨询一下): a question after them asks,
/// it does not complain.
pub(crate) const ENQUIRY_OPENERS: &[&str] = &[
    "请问",
    "想问",
    "想问下",
    "想问一下",
    "问一下",
    "问下",
    "咨询",
    "咨询一下",
    "想咨询",
    "想了解",
    "了解一下",
    "请教",
    "请教一下",
    "打听一下",
];

/// Service virtues whose intensified praise (效率真高, 太贴心了, 可真厉害) turns sarcastic
/// when the utterance reports a bad outcome: stems of the praise word.
pub(crate) const SERVICE_PRAISE: &[&str] = &[
    "周到", "贴心", "专业", "厉害", "给力", "负责", "及时", "高效", "靠谱", "快", "高",
];

/// Praise that, as a whole opening clause with a bad outcome after it (厉害，一个快递送了半个
/// 月; 佩服，一个简单问题能拖一个月), is sarcasm with no intensifier. Other praise (不错,
/// 高, 快) counts so only said to the company with a service topic (你们效率高，…).
pub(crate) const BARE_PRAISE: &[&str] = &[
    "厉害",
    "贴心",
    "专业",
    "佩服",
    "好样的",
    "一流",
    "给力",
    "高效",
    "靠谱",
    "牛",
];
/// Sentence particles a bare praise clause may carry (服务一流啊).
pub(crate) const PRAISE_PARTICLES: &[&str] = &["啊", "呀", "了", "啦", "的", "嘛", "哦"];

/// Service topics whose praise (服务态度真好, 效率真高) is about the company's work.
pub(crate) const SERVICE_TOPICS: &[&str] = &["服务", "态度", "效率", "速度", "客服", "售后"];

/// Intensifiers of sarcastic praise, as a word or a term's first char (真高, 好快, 可真).
pub(crate) const SARCASTIC_DEGREE: &[&str] = &["真", "可真", "真是", "太", "好", "这么", "真的"];

/// The speaker blames the addressee for what follows thanks (感谢你们让我多等了六个小时).
pub(crate) const CAUSATIVE_ME: &[&str] = &["让我", "害我", "害得我", "让", "害"];

/// A customer's apology: the thanks around it are meant (刚才是我急了，不好意思，谢谢).
pub(crate) const CONCILIATORY: &[&str] = &["不好意思", "抱歉", "对不起", "sorry"];

/// Acknowledgements that, trailing off (好吧……, 行吧...), give up: resignation after an
/// unhelpful answer.
pub(crate) const RESIGNED_ACKS: &[&str] = &[
    "好吧",
    "行吧",
    "那好吧",
    "那行吧",
    "好的吧",
    "算了",
    "那算了",
    "哦",
    "噢",
    "嗯",
    "好",
    "行",
    "好的",
];

/// Last chars of institution nouns (工信部, 消协, 法院, 律师): a formal cue ending in one
/// may be a bare mention.
pub(crate) const INSTITUTION_SUFFIXES: &str = "部局会协院所台报社网委办处厅官者师门庭司组科";

/// Institution and role nouns the segmenter tags as another part of speech (it reads 警察
/// as a verb): a formal cue that is one of them may be a bare mention, as 律师 is.
pub(crate) const ROLE_NOUNS: &[&str] = &["警察", "民警", "交警", "公安", "片警"];

/// Final particles that make a sentence a question (好了吗, 是么).
pub(crate) const QUESTION_PARTICLES: &[&str] = &["吗", "么", "嘛"];

/// Final particles of exasperation on a complaint or question (电话没人接啊).
pub(crate) const EXASPERATION_PARTICLES: &[&str] = &["啊", "呀", "嘛"];

/// What may follow a polite opener when it is no request (太麻烦了, 麻烦死了).
pub(crate) const REQUEST_CLOSERS: &[&str] = &["了", "啦", "死", "死了", "的", "啊", "呀", "吧"];

/// Pronouns jieba's HMM may glue to a one-char term it does not know (我怕, 我烦).
pub(crate) const PRONOUN_CHARS: &str = "我你您他她它咱";

/// Affirmations whose repetition (好好好好) is impatient.
const AFFIRMATIONS: &[&str] = &["好好", "行行", "是是", "对对", "嗯嗯", "知道知道"];

/// Whether negators (known to negate) deny a cue of this category, as its
/// [`DeniedBy`] says: any of them, or only one that denies the speaker's intent
/// (不用退款, not 不给退款: refund cues). Also decides whether a lexicon term inherits the cue it
/// contains (`Lexicon::inherit_cues`).
pub(crate) fn negators_deny(cat: CueCategory, negators: &[&str]) -> bool {
    match cat.traits().denied_by {
        DeniedBy::AnyNegator => true,
        DeniedBy::IntentNegator => negators.iter().any(|t| INTENT_NEGATORS.contains(t)),
    }
}

/// Third parties a customer's negativity may be aimed at instead of the company or the
/// agent (the courier, another seller, the weather): stems found inside a word
/// (快递员, 外卖小哥, 那个卖家, 台风天). 快递 and 师傅 alone are not here: 你们的快递 and
/// the company's technician are the company.
pub(crate) const THIRD_PARTIES: &[&str] = &[
    "快递员",
    "快递小哥",
    "外卖小哥",
    "送餐员",
    "骑手",
    "配送员",
    "司机",
    "卖家",
    "商家",
    "店家",
    "店铺",
    "那家店",
    "这家店",
    "另一家",
    "驿站",
    "物流",
    "中转站",
    "快递公司",
    "邻居",
    "物业",
    "天气",
    "台风",
    "暴雨",
    "大雪",
    "下雪",
    "骗子",
    "这人",
    "那人",
];

/// Third-party words that are also epithets of the company (骗子公司, 一群骗子, 骗子！).
pub(crate) const EPITHETS: &[&str] = &["骗子"];
/// The company or its service named right after an epithet (骗子公司, 骗子平台, 骗子客服).
pub(crate) const EPITHET_COMPANY: &[&str] = &[
    "公司",
    "平台",
    "客服",
    "企业",
    "银行",
    "商城",
    "机构",
    "app",
    "软件",
    "运营商",
];
/// A collective or contempt before an epithet (一群骗子, 什么骗子客服).
pub(crate) const EPITHET_COLLECTIVE: &[&str] = &["一群", "一帮", "一窝", "一伙", "什么", "是"];

/// speaker (这叫什么事, 就这态度？, 这算什么).
pub(crate) const DEMONSTRATIVES: &[&str] = &["这"];

/// Manner demonstratives of a challenge (有你们这样做生意的吗, 你们就是这么对待老客户的？).
pub(crate) const MANNER_DEMONSTRATIVES: &[&str] = &["这样", "这么", "这种", "如此", "这般"];

/// "This is" after a second person in a what-are-you-doing challenge (你们这是在干什么).
pub(crate) const THIS_IS: &[&str] = &["这是", "这"];

/// Words between 这是 and a what-are-you-doing word (你们这是在干什么, 你这又是干嘛).
pub(crate) const DOING_FILLERS: &[&str] = &["在", "又", "又在", "要", "想"];

/// What-are-you-doing words of a challenge (你们这是在干什么？, 你这是搞啥呢).
pub(crate) const DOING_WHAT: &[&str] = &[
    "干什么",
    "干嘛",
    "干啥",
    "搞什么",
    "搞啥",
    "弄啥",
    "闹哪样",
    "做什么",
    "想干什么",
    "想干嘛",
];

/// Words of an insurance claim (保险, 理赔, 查勘员): 报案 in their company files a claim.
pub(crate) const INSURANCE_WORDS: &[&str] =
    &["保险", "理赔", "查勘", "定损", "车险", "出险", "报险"];

/// People a first person may own (我朋友, 我老公说…): the act is theirs, not the speaker's.
pub(crate) const OTHER_PEOPLE: &[&str] = &[
    "朋友", "同事", "邻居", "同学", "室友", "亲戚", "家人", "领导", "老板", "表", "堂", "爸", "妈",
    "父亲", "母亲", "老人", "爷爷", "奶奶", "外公", "外婆", "老公", "丈夫", "妻子", "老婆", "儿子",
    "女儿", "孩子", "哥", "姐", "弟", "妹",
];

/// Expletives: profanity that vents rather than insults someone (妈的, tmd, 卧槽). An
/// abuse cue of one stays at its lexicon severity; an insult of the addressee is lifted
/// (`target::lift_insults`).
pub(crate) const EXPLETIVES: &[&str] = &[
    "妈的",
    "他妈的",
    "tmd",
    "特么",
    "尼玛",
    "nmd",
    "操",
    "艹",
    "mmp",
    "卧槽",
    "我靠",
    "靠",
];

/// Words that address the company or the agent (你们, 你, 您, 贵公司): negativity in an
/// utterance with one is aimed at them. Greetings (你好, 您好) do not address a complaint.
pub(crate) const SECOND_PERSON: &[&str] = &["你", "您", "贵"];

/// Phrases that clear the company or the agent (跟你们没关系, 不怪你们, 不是你们的错):
/// with one, a second person in the utterance is not the complaint's target.
pub(crate) const EXONERATING: &[&str] = &[
    "没关系",
    "无关",
    "不怪你",
    "不关你",
    "不是你的错",
    "不是你们的错",
    "不是您的错",
];

/// Greetings that start with a second-person char but address no complaint.
pub(crate) const GREETINGS: &[&str] = &["你好", "您好", "你们好", "您们好"];

/// Words that say someone has died (去世, 过世, 不在了, 死亡证明): closing that person's
/// account (注销, 销户) is an errand, not the customer leaving.
pub(crate) const DECEASED: &[&str] = &[
    "去世",
    "过世",
    "离世",
    "逝世",
    "病逝",
    "身故",
    "亡故",
    "逝者",
    "死者",
    "死亡证明",
    "不在了",
    "遗产",
    "遗物",
    "节哀",
];

/// Relatives whose 走了 means they died (我爸去年走了, 老人走了).
pub(crate) const KIN: &[&str] = &[
    "爸", "妈", "父亲", "母亲", "老人", "爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "老公",
    "丈夫", "妻子", "老婆", "亲人", "家人", "老伴",
];

/// Openers of a hypothetical clause (如果, 要是, 万一): in a question, what follows is a
/// case the customer asks about (如果自己装坏了怎么办), not a problem they report.
pub(crate) const HYPOTHETICAL: &[&str] = &[
    "如果",
    "要是",
    "万一",
    "假如",
    "假设",
    "如果说",
    "若是",
    "倘若",
    "假使",
    "若",
];

/// Ends of a hypothetical clause (信用卡被盗刷的话一般怎么冻结？): like an opener of
/// [`HYPOTHETICAL`], in a question.
pub(crate) const HYPOTHETICAL_ENDS: &[&str] = &["的话"];

/// Cue words that name a thing a customer asks about (差评能撤回吗？, 提前还款有没有违约金？,
/// 中途解约的违约金怎么算？): in the clause that asks, like [`PROCEDURE_WORDS`], they make
/// the clause a procedure enquiry, they and a leaving word beside them (解约, 退租) its topic.
pub(crate) const QUESTION_TOPICS: &[&str] = &["差评", "违约金", "好评"];

/// Words of a procedure enquiry: what a question asks about is how a claim, a repair or a
/// payment is done (怎么申请赔付, 赔偿标准, 理赔需要哪些材料, 保修范围, 几天能到账). In the
/// clause that asks, they make a refund word the topic whatever its severity, and the
/// clauses before that state the circumstance (手机屏幕碎了，保修范围包括吗) a case asked
/// about.
pub(crate) const PROCEDURE_WORDS: &[&str] = &[
    "申请",
    "办理",
    "标准",
    "比例",
    "流程",
    "手续",
    "材料",
    "证件",
    "资料",
    "规则",
    "条件",
    "范围",
    "审核",
    "到账",
    "保修",
    "保修期",
    "理赔",
    "报修",
    "处理流程",
    "提交",
];

/// Words of an information question: what it asks for is an amount, a time, a place, a
/// number or a difference (断网报修的电话是多少, 冻结的资金什么时候解冻, 故障机寄到哪个
/// 维修点). In the clause that asks they make it an enquiry like [`PROCEDURE_WORDS`], even
/// without ？ (多少 and 几 are not question words for a final 呢).
pub(crate) const INFO_WORDS: &[&str] = &[
    "多少",
    "几",
    "几个",
    "几天",
    "几号",
    "几点",
    "什么时候",
    "何时",
    "哪里",
    "哪个",
    "哪些",
    "哪儿",
    "在哪",
    "在哪里",
    "多久",
    "多长时间",
    "区别",
];

/// Words that are an adverb "usually" when a word follows them in their clause (一般什么时候
/// 解冻, 一般怎么处理) and an evaluation "mediocre" only at the end of it (质量一般).
pub(crate) const USUALLY: &[&str] = &["一般"];

/// After a usual-sense word, words that still leave it an evaluation (一般的服务, 一般吧).
pub(crate) const USUALLY_NOT_BEFORE: &[&str] = &["的", "般", "吧", "啊", "呀", "了", "啦", "哦"];

/// Questions about what something means (什么意思): literal about a named term (账单上的
/// 滞纳金是什么意思, “待揽收”是什么意思), a challenge said to the agent (你这是什么意思).
pub(crate) const MEANING_QUESTIONS: &[&str] = &["什么意思", "啥意思", "是什么意思", "是啥意思"];

/// Words before a meaning question that name a term: 这个 + a noun, …的 + a noun.
pub(crate) const TERM_NAMERS: &[&str] = &["这个", "那个", "的", "上的", "里的", "中的"];

/// Words after 可 that make it emphasis (可真及时, 可太慢了, 可够快的), not "but".
pub(crate) const EMPHATIC_KE_NEXT: &[&str] = &["真", "真是", "太", "够", "真的"];

/// Words that, opening the clause after thanks, blame the addressee for a wait or a wasted
/// trip (谢谢您，等了四十分钟…; 真是谢谢你们了，让我白跑了三趟).
pub(crate) const WAITED: &[&str] = &["让我", "害我", "害得我", "等了", "白跑", "白等", "白白"];

/// Time words before 才 that report something late (今天才有人打电话, 三天了才回):
/// whole words, or the last char of a duration (上个月, 一周, 三天).
pub(crate) const LATE_BEFORE: &[&str] =
    &["今天", "现在", "昨天", "刚", "刚刚", "了", "今早", "今晚"];

/// Words that, after a time word, report something late (今天才有人打电话, 今天终于回了).
pub(crate) const LATE_MARKERS: &[&str] = &["才", "终于"];

/// Last chars of a duration before 才 (三天才到, 一个月才回).
pub(crate) const DURATION_ENDS: &str = "天月周年时钟拜期";

/// Grudging acknowledgements (行吧, 好吧): opening a customer turn with no thanks, they
/// give up after an agent's no, and accept otherwise (the roll-up reads them in context).
pub(crate) const GRUDGING_ACKS: &[&str] = &[
    "行吧",
    "好吧",
    "那好吧",
    "那行吧",
    "好的吧",
    "那行",
    "行行行",
];

/// Negators that say something did not happen (东西没到, 还没有发货).
pub(crate) const NOT_HAPPENED: &[&str] = &["没", "没有", "还没", "还没有", "都没", "都没有"];

/// After a complaint or posting cue in its clause: the complaint was made (投诉过,
/// 打过投诉电话) or came before what is told next (投诉之后就有人来了). A report, not a threat.
pub(crate) const REPORT_AFTER: &[&str] = &["过", "后", "之后", "以后", "完"];

/// Before a complaint or posting cue in its clause: how often it was done (多次向客服投诉,
/// 每次打电话投诉). With a count of 次 (三次, 好几次) also read by [`is_count_of_times`].
pub(crate) const REPORT_FREQUENCY: &[&str] = &[
    "多次",
    "屡次",
    "几次",
    "好几次",
    "多少次",
    "无数次",
    "每次",
    "每回",
    "一次又一次",
    "天天",
    "总是",
    "经常",
    "老是",
    "一直",
    "曾经",
    "上次",
    "上回",
];

/// Before a complaint or posting cue in its clause: the call or visit that made it was
/// done (打过投诉电话, 找过客服投诉).
pub(crate) const REPORT_DONE_BEFORE: &[&str] = &["过", "打过", "找过", "去过", "报过", "试过"];

/// In the clause after a complaint cue: the complaint led nowhere (打10000投诉没人接, 投诉也
/// 没人理, 投诉还是没用). A report of a complaint made in vain, not a threat.
pub(crate) const REPORT_IN_VAIN: &[&str] = &[
    "没人接",
    "没人理",
    "没人管",
    "没用",
    "无门",
    "无果",
    "打不通",
    "不了了之",
    "没下文",
    "没有下文",
    "没结果",
    "没有结果",
    "没回应",
    "没有回应",
];

/// The speaker's own will before a cue (要, 准备, 一定, 继续): the cue is a threat even in a
/// clause that also reports (我已经投诉过了，还要继续投诉).
pub(crate) const VOLITION: &[&str] = &[
    "要",
    "我要",
    "会",
    "我会",
    "准备",
    "打算",
    "一定",
    "一定要",
    "必须",
    "决定",
    "将",
    "继续",
    "再",
    "等着",
    "就等着",
];

/// A count of times (三次, 好几次, 10次): the unit ends with 次 after a numeral.
pub(crate) fn is_count_of_times(text: &str) -> bool {
    let Some(head) = text.strip_suffix('次') else {
        return false;
    };
    !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_ascii_digit() || "一二两三四五六七八九十百几多好".contains(c))
}

/// What a scammer does to the customer, right after 骗子 (有个骗子冒充你们客服, 骗子打电话
/// 来): the scammer is a third party, not an epithet of the company.
pub(crate) const IMPOSTOR_ACTS: &[&str] = &[
    "冒充",
    "假冒",
    "假装",
    "骗",
    "骗了",
    "骗走",
    "打电话",
    "打来",
    "发短信",
    "发来",
    "盗",
    "电话",
    "短信",
];
/// Before 骗子, the customer is the scammer's victim (被骗子骗了, 遇到骗子).
pub(crate) const VICTIM_BEFORE: &[&str] = &["被", "遇到", "遇上", "碰到", "有个", "一个"];

/// Nouns a crime word (诈骗, 骚扰) modifies when it names the kind of call or message the
/// customer got (诈骗电话, 诈骗短信): the crime is someone else's, no legal step is threatened.
pub(crate) const CRIME_KIND_NOUNS: &[&str] = &[
    "电话",
    "短信",
    "信息",
    "号码",
    "电话号码",
    "来电",
    "团伙",
    "分子",
    "链接",
    "网站",
    "邮件",
    "app",
];

/// A belief the speaker held and found wrong (我还以为是诈骗): what follows was not so.
pub(crate) const MISTAKEN_BELIEF: &[&str] = &["以为", "还以为", "误以为", "我以为", "我还以为"];

/// Before a complaint or report word in a plain question, or opening the term (怎么投诉):
/// the customer asks how or whether one can complain (我能举报吗？, 怎么投诉？), a channel
/// asked about, like an enquiry opener's.
pub(crate) const HOW_OR_WHETHER: &[&str] = &[
    "怎么",
    "如何",
    "怎样",
    "哪里",
    "在哪",
    "在哪里",
    "能",
    "能不能",
    "可以",
    "可不可以",
    "能否",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_chars_hold_exactly_their_chars() {
        let list = "打问联说催电话映找提申投诉咨沟交重跑修门来";
        for c in list.chars() {
            assert!(is_contact_char(c), "{c}");
        }
        for c in ['的', '了', 'a', '1', '〇', '\u{4DFF}', '\u{A000}', '😀'] {
            assert!(!is_contact_char(c), "{c}");
        }
    }
}
