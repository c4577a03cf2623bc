//! Word lists of the going-public grammar (`score/exposure.rs`): a customer's threat to
//! take the matter to the public said in other words than the lexicon's fixed phrases.

/// The speaker's intent or a dare, before the act: 我要, 我就, 信不信, 等着 ….
pub(crate) const INTENT: &[&str] = &[
    "我要",
    "我就",
    "我会",
    "我去",
    "我这就",
    "我现在就",
    "我马上",
    "我打算",
    "我准备",
    "我得",
    "我还要",
    "我一定",
    "我立马",
    "信不信",
    "等着",
    "不怕我",
    "要不要我",
    "回头就",
];
/// A warning that may stand anywhere in the utterance (到时候…别怪我).
pub(crate) const WARNINGS: &[&str] = &["别怪我", "走着瞧", "等着瞧", "看着办"];
/// Words after 我就 / 我要 that make them no intent (我就是想问问, 我要的是…).
pub(crate) const NOT_INTENT_AFTER: &[&str] = &["是", "的", "想问", "问"];
/// Verbs that publish or show: 发, 挂, 放到, 捅到, 直播 ….
pub(crate) const PUBLISH: &[&str] = &[
    "发", "挂", "放到", "放在", "放给", "贴", "捅", "传到", "上传", "公开", "写", "直播", "录",
    "晒", "讲给", "说给",
];
/// What follows a publish verb that makes it another word (发票, 发货, 发生, 发现, 录取).
pub(crate) const NOT_PUBLISH_AFTER: &[&str] = &[
    "票", "货", "生", "现", "错", "过来", "给你", "给您", "工资", "取", "音", "入",
];
/// A public place or audience: 网上, 抖音, 论坛, 业主群, 粉丝, 所有人 ….
pub(crate) const PUBLIC: &[&str] = &[
    "网上",
    "网络上",
    "抖音",
    "微博",
    "小红书",
    "朋友圈",
    "论坛",
    "知乎",
    "贴吧",
    "头条",
    "快手",
    "b站",
    "业主群",
    "热搜",
    "新闻",
    "媒体",
    "报社",
    "记者",
    "电视台",
    "粉丝",
    "大家",
    "所有人",
    "全网",
    "网友",
    "公众号",
];
/// Being exposed, said without a publish verb: 上新闻, 全网都知道, 让大家评评理 ….
pub(crate) const EXPOSED: &[&str] = &[
    "上新闻",
    "上了新闻",
    "上热搜",
    "上了热搜",
    "上头条",
    "全网都",
    "让大家",
    "让所有人",
    "让全网",
    "给大家看",
    "评评理",
];
/// After 网上 (or before it) the internet is a shopping or service channel: 网上买的.
pub(crate) const CHANNEL_AFTER: &[&str] = &[
    "买",
    "购",
    "下单",
    "下的单",
    "支付",
    "付款",
    "预约",
    "办理",
    "申请",
    "查",
    "订",
    "缴",
    "看到",
    "说",
    "营业厅",
    "客服",
    "商城",
    "银行",
];
/// A demonstrative before the place names the post being written (这微博, 这条微博).
pub(crate) const THIS_POST: &[&str] = &["这", "此", "本"];
/// A review is a review, not going public (已经在评价区写了差评).
pub(crate) const REVIEW_WORDS: &[&str] = &["差评", "好评", "评价", "追评", "评分"];
/// Asking whether one may (评价里可以写…吗？).
pub(crate) const PERMISSION: &[&str] = &["可以", "能不能", "能否", "可不可以", "行不行", "允许"];
/// Publishing to praise or share (发个朋友圈推荐一下).
pub(crate) const PRAISE: &[&str] = &["推荐", "夸", "分享", "点赞", "宣传"];
/// After a praise word, a warning that makes the post a threat after all (推荐大家别买).
pub(crate) const WARN_OFF: &[&str] = &["别", "不要", "千万不", "避雷", "踩雷"];
/// Negators between the intent and the act (我就不发到网上了).
pub(crate) const NEGATORS: &[&str] = &["不", "没", "别", "不会"];
