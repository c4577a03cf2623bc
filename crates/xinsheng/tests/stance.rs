//! Issue 13 item 6, agent conduct by stance (`score/stance.rs`): a sentence said to the
//! customer whose stance markers weigh enough is a hostile prohibited phrase, whatever its
//! wording; soft turns, a third party's reported words, questions about facts and negated
//! markers are not. The sentences are the project's own, written for these tests.

use xinsheng::{AgentCategory, AgentKind, UtteranceAnalysis};

#[allow(dead_code)]
mod support;
use support::agent;

fn prohibited(a: &UtteranceAnalysis) -> bool {
    a.agent
        .iter()
        .any(|m| m.kind == AgentKind::Prohibited && !m.negated)
}

/// Every text of `table` has a counted prohibited phrase exactly when it is marked true.
fn check(table: &[(&str, bool)]) {
    let wrong: Vec<String> = table
        .iter()
        .filter(|&&(t, want)| prohibited(&agent(t)) != want)
        .map(|&(t, want)| format!("{t}: want {want}, got {:?}", agent(t).agent))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Hostile lines no phrase family catches: contempt, impatience, dismissal, sarcasm,
/// challenge questions, said to the customer.
#[test]
fn hostile_stance_in_unseen_wording() {
    check(&[
        ("您能不能动动脑子再打电话", true),
        ("您这么大个人了，怎么连个验证码都收不明白？", true),
        ("你以为你是谁啊，说退就退？", true),
        ("想多了亲，没这种好事", true),
        ("麻烦您嘴巴放干净点", true),
        ("你那么闲的话自己去网点问", true),
        ("我懒得跟你解释", true),
        ("哎呀您就别磨叽了，到底要哪个", true),
        ("您又来了，这个事不是早就说过了吗？", true),
        ("您这口气是来吵架的吧？", true),
        // a marker that a soft word sits inside is still a marker (理解 of 理解能力)
        ("你这理解能力我也是没办法", true),
        // telling the customer to stop, and futility
        ("您就别再纠结这个了，纠结也没用", true),
        ("你也别打听了，反正早就定了", true),
        // a stop alone is weak: 别管了 handing the matter over is no dismissal
        ("这个您就别管了，交给我们", false),
        // said to no one in particular, it needs more than one marker
        ("都第几次了，还是那句话，就这样", true),
        ("第几次来电我这边都能查到", false),
    ]);
}

/// Look-alikes sharing the markers' words: apologies and reassurance, questions about the
/// customer's facts, a third party's reported words, negated markers, courtesy.
#[test]
fn stance_look_alikes_do_not_fire() {
    check(&[
        ("抱歉让您久等了，这么简单的问题还让您等这么久", false),
        ("您是不是在小程序上下的单呢？", false),
        ("快递员说您家里没人，他明天再来", false),
        ("商家回复说这款已经停产了，我帮您看看同款", false),
        ("请您先搞清楚套餐内容，我把资费表发给您", false),
        ("没有后果的，您放心", false),
        ("我们不会上门催收，请您放心", false),
        ("您是自己安装的，还是师傅上门装的呢？", false),
        ("系统显示您已经签收了，您看一下是不是家人代收了呢？", false),
        ("不客气，这是我应该做的", false),
        ("您还没收到退款吗？我帮您查一下", false),
        ("您什么时候方便上门取件呢", false),
        ("您好，请问您手机是什么型号的，版本号是多少？", false),
        ("您的问题我们已经记录，会尽快安排检修", false),
        (
            "经过测试黑名单功能可以正常使用，设定了黑名单号码后短信会自动拦截",
            false,
        ),
        ("您输入其他词组时也遇到过这种情况么？[呵呵]", false),
        // stopping soothes: 别着急了 is soft
        ("您别着急了，我马上帮您催", false),
        ("您也别客气了，应该的", false),
    ]);
}

/// A firing carries its evidence: a `hostile` prohibited phrase whose text is the span
/// of the markers that carried it.
#[test]
fn stance_firing_carries_its_words() {
    let a = agent("我懒得跟你解释");
    let m = a
        .agent
        .iter()
        .find(|m| m.kind == AgentKind::Prohibited)
        .expect("a prohibited phrase");
    assert_eq!(m.category, AgentCategory::Hostile);
    assert_eq!(m.text, "懒得");
    assert!(a.valence < 0.0, "{}", a.valence);
    // Two weak markers: the span runs from the first to the last.
    let b = agent("您又来了，这个事不是早就说过了吗？");
    assert!(
        b.agent.iter().any(|m| m.text.contains("说过了")),
        "{:?}",
        b.agent
    );
}

/// The issue's agent classes (paraphrased): deflection and not-knowing counted, dismissive
/// and intimidating lines counted, promises declined or asked of the customer not.
#[test]
fn issue_agent_classes() {
    check(&[
        ("这事我也不太清楚", true),
        ("这个不属于我们售后负责", true),
        ("最后都要以审核结果为准", true),
        ("您去问问卖家吧", true),
        ("不办的话我就挂了", true),
        ("嫌贵可以不买", true),
        ("就您事儿多", true),
        ("再拖着不还，就给您上征信", true),
        ("这个我们真的无法保证", false),
        ("明天能不能到我们不能保证", false),
        ("寄回时请您保证配件齐全", false),
    ]);
}
