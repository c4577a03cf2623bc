//! One test (or table) per modifier and per escalation category, on the embedded lexicons.

use xinsheng::{
    AgentCategory, AgentKind, Analyzer, CueCategory, Emotion, Level, Polarity, Speaker,
    UtteranceAnalysis,
};

mod support;
use support::{active, agent, an, c};

#[test]
fn public_types_are_send_sync() {
    fn ok<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    fn send_sync<T: Send + Sync>() {}
    // Error wraps std::io::Error, which is Send + Sync but not unwind-safe.
    send_sync::<xinsheng::Error>();
    ok::<Analyzer>();
    ok::<xinsheng::AnalyzerBuilder>();
    ok::<UtteranceAnalysis>();
    ok::<xinsheng::ConversationAnalysis>();
    ok::<xinsheng::Explanation>();
    ok::<xinsheng::LexiconError>();
    ok::<xinsheng::LexiconStats>();
    ok::<xinsheng::Turn<'static>>();
    ok::<xinsheng::normalize::Normalized>();
    ok::<xinsheng::model::CallModel>();
    ok::<xinsheng::model::TurnModel>();
    ok::<xinsheng::model::TurnTerm>();
}

#[test]
fn negation_flips_and_scopes() {
    // 不满意 is negative.
    assert_eq!(c("我对这个处理结果不满意").polarity, Polarity::Negative);
    // Negated negative is not negative.
    for t in ["我不是不满意，只是想问问", "我没有不高兴"] {
        assert_ne!(c(t).polarity, Polarity::Negative, "{t}");
    }
    // Negated positive is negative.
    assert_eq!(c("一点都不好用").polarity, Polarity::Negative);
    assert_eq!(c("不开心").polarity, Polarity::Negative);
}

#[test]
fn negated_cues_do_not_escalate() {
    for t in [
        "我不是要投诉",
        "我没有投诉的意思",
        "放心，我不会去12315的",
        "不用退款了，换个新的就行",
    ] {
        let a = c(t);
        assert!(a.escalation.level <= Level::Low, "{t}: {:?}", a.escalation);
        assert!(a.escalation.cues.iter().all(|c| !c.is_active()), "{t}");
    }
    // A negation inside the condition does not reach the threat (scope break 就).
    let a = c("再不处理我就投诉你们");
    assert!(
        active(&a, CueCategory::Complaint),
        "{:?}",
        a.escalation.cues
    );
    // 不给退款 is a refund dispute, not a withdrawn demand.
    assert!(active(&c("你们凭什么不给退款"), CueCategory::Refund));
}

#[test]
fn degree_order_matters() {
    let mild = c("不太好").valence;
    let strong = c("太不好了").valence;
    assert!(mild < 0.0 && strong < 0.0, "{mild} {strong}");
    assert!(
        strong < mild,
        "太不好 ({strong}) should be more negative than 不太好 ({mild})"
    );
    let plain = c("好").valence;
    let very = c("非常好").valence;
    assert!(very > plain, "{very} > {plain}");
}

#[test]
fn a_cue_written_with_its_degree_adverb_keeps_the_word_s_emotion() {
    // 很失望 is one term (a dissatisfaction cue): it must read like 很 + 失望, not weaker
    // than 失望 alone, and keep its emotion and its cue. Likewise a cue closed by a
    // particle or 我 (太慢了, 欺骗我) reads at least as its word does.
    for (base, strong, emotion, stronger) in [
        ("失望", "很失望", Emotion::Sadness, true),
        ("失望", "太失望了", Emotion::Sadness, true),
        ("后悔", "真后悔", Emotion::Sadness, true),
        ("离谱", "太离谱了", Emotion::Anger, true),
        ("欺骗", "欺骗我", Emotion::Anger, false),
        ("太慢", "太慢了", Emotion::Disgust, false),
    ] {
        let (b, s) = (c(base), c(strong));
        let ok = if stronger {
            s.valence < b.valence
        } else {
            s.valence <= b.valence + 1e-6
        };
        assert!(
            ok && s.valence < -0.3,
            "{strong} ({}) should be {} {base} ({})",
            s.valence,
            if stronger {
                "more negative than"
            } else {
                "as negative as"
            },
            b.valence
        );
        assert_eq!(s.emotion, emotion, "{strong}");
        assert!(s.escalation.cues.iter().any(|c| c.is_active()), "{strong}");
    }
}

#[test]
fn contrast_clause_after_weighs_more() {
    let a = c("虽然客服态度挺好，但是问题一直没解决，太失望了");
    assert_eq!(a.polarity, Polarity::Negative);
    let b = c("虽然等了很久，但是问题解决了，很满意");
    assert_eq!(b.polarity, Polarity::Positive);
}

#[test]
fn rhetorical_questions_are_negative() {
    for t in [
        "凭什么让我等这么久",
        "你这是什么意思",
        "难道这就是你们的服务吗？",
        "你们还要我怎样",
    ] {
        let a = c(t);
        assert_eq!(a.polarity, Polarity::Negative, "{t}: {}", a.valence);
    }
    // 难道…好吗 is not praise.
    assert!(c("难道这样很好吗？").valence < 0.0);
}

#[test]
fn emphasis_raises_intensity() {
    let plain = c("太过分了");
    let loud = c("太过分了！！！！");
    assert!(
        loud.intensity > plain.intensity,
        "{} > {}",
        loud.intensity,
        plain.intensity
    );
    assert!(loud.valence <= plain.valence);
    let rep = c("快快快快快点处理");
    assert!(rep.intensity > 0.0);
    let q = c("怎么还没发货？？？");
    assert!(q.valence < 0.0);
}

#[test]
fn hao_glued_to_an_emotional_word_is_the_adverb() {
    // jieba has 好烦 and 好想哭 as words; 好 there is "so", before a clearly emotional
    // word. 好心 (kind) and 好乐 stay whole: 心 and 乐 are weak one-char entries.
    assert_eq!(c("好烦").emotion, Emotion::Anger);
    assert!(c("好烦").valence < c("烦").valence);
    assert_eq!(c("好想哭").emotion, Emotion::Sadness);
    let whole = |t: &str| an().explain(t, Speaker::Customer).tokens.len() == 1;
    assert!(whole("好心") && whole("好乐"));
}

#[test]
fn a_pronoun_glued_to_a_one_char_term_is_split_off() {
    // jieba's HMM glues 我 + 怕 into an unknown word 我怕; the term inside must still count.
    assert_eq!(c("我怕").emotion, Emotion::Anxiety);
    assert!(c("我烦").valence < -0.3);
    assert_eq!(c("咱怕").emotion, Emotion::Anxiety);
    // With a lexicon of its own that knows nothing of 我, too.
    let own = Analyzer::builder()
        .without_embedded()
        .lexicon_str(
            xinsheng::LexiconKind::Emotion,
            "mine.tsv",
            "烦\tanger\t0.6\n",
        )
        .build()
        .unwrap();
    assert_eq!(
        own.analyze("我烦", Speaker::Customer).emotion,
        Emotion::Anger
    );
    assert!(active(&c("我操"), CueCategory::Abuse));
    // Words the lexicon knows stay whole: 您好 is a greeting, not 您 + 好.
    assert!(agent("您好")
        .agent
        .iter()
        .any(|m| m.kind == AgentKind::Encouraged));
    assert_eq!(c("你好").polarity, Polarity::Neutral);
}

#[test]
fn emoji_and_slang() {
    assert_eq!(c("😡😡").polarity, Polarity::Negative);
    assert_eq!(c("无语").polarity, Polarity::Negative);
    assert_eq!(c("气死我了").emotion, Emotion::Anger);
    assert_eq!(c("yyds").polarity, Polarity::Positive);
    // 呵呵 as irony: praise around it does not read positive.
    assert!(c("呵呵，你们的服务真好").valence < 0.0);
    // Sarcastic thanks and "so this is service" are not praise …
    assert!(c("真是太感谢了，我谢谢您了").valence < 0.0);
    assert_eq!(c("这就是你们的服务态度").polarity, Polarity::Negative);
    // … but a plain question with 这就是 is not sarcasm.
    assert_ne!(c("这就是我要找的商品吗？").polarity, Polarity::Negative);
}

#[test]
fn quotation_weakens_cues() {
    let direct = c("我要投诉");
    let reported = c("我朋友说他要投诉你们");
    assert!(direct.escalation.risk > reported.escalation.risk);
    assert!(reported.escalation.cues.iter().any(|c| c.quoted));
    assert!(reported.escalation.level < direct.escalation.level);
}

#[test]
fn lookalikes_are_not_escalation() {
    for t in [
        "系统升级期间暂停服务",
        "没问题",
        "我没有投诉",
        "请填写紧急联系人",
        "人工智能客服",
    ] {
        let a = c(t);
        assert!(a.escalation.level <= Level::Low, "{t}: {:?}", a.escalation);
        assert_ne!(a.polarity, Polarity::Negative, "{t}");
    }
}

#[test]
fn every_cue_category_is_found() {
    let table: &[(&str, CueCategory, Level)] = &[
        ("怎么还没发货", CueCategory::Impatience, Level::Low),
        (
            "这已经是第三次打电话了",
            CueCategory::RepeatContact,
            Level::Low,
        ),
        ("我急用，麻烦尽快", CueCategory::Urgency, Level::Low),
        ("你们这是在敷衍我", CueCategory::Dissatisfaction, Level::Low),
        ("你是不是傻", CueCategory::Abuse, Level::Medium),
        ("我要求全额退款", CueCategory::Refund, Level::Medium),
        (
            "以后再也不买你们家的东西了",
            CueCategory::Churn,
            Level::Medium,
        ),
        ("叫你们领导来", CueCategory::Supervisor, Level::High),
        ("我要投诉你们", CueCategory::Complaint, Level::High),
        // A platform dispute is a formal complaint too.
        ("那你给我申请纠纷吧", CueCategory::Complaint, Level::High),
        ("你给我墨迹半天了", CueCategory::Impatience, Level::Low),
        ("我以后少来这买东西", CueCategory::Churn, Level::Medium),
        (
            "受不了了，我已经转投电信了",
            CueCategory::Churn,
            Level::Medium,
        ),
        (
            "你们这是在逃避责任",
            CueCategory::Dissatisfaction,
            Level::Low,
        ),
        (
            "没经过我同意就扣钱",
            CueCategory::Dissatisfaction,
            Level::Low,
        ),
        ("我去12315举报你们", CueCategory::Regulator, Level::Critical),
        ("我会找律师起诉你们", CueCategory::Legal, Level::Critical),
        ("我要找媒体曝光你们", CueCategory::Media, Level::Critical),
        ("信不信我揍你", CueCategory::Harm, Level::Critical),
        (
            "再不处理我就去你们公司闹",
            CueCategory::Harm,
            Level::Critical,
        ),
        ("我要跳楼", CueCategory::Harm, Level::Critical),
    ];
    for (text, cat, min) in table {
        let a = c(text);
        assert!(active(&a, *cat), "{text}: {:?}", a.escalation.cues);
        assert!(
            a.escalation.level >= *min,
            "{text}: {:?}",
            a.escalation.level
        );
    }
}

#[test]
fn cue_offsets_point_into_original_text() {
    let text = "您好！我要投訴你們，真的受夠了";
    let a = c(text);
    let chars: Vec<char> = text.chars().collect();
    assert!(!a.escalation.cues.is_empty());
    for cue in &a.escalation.cues {
        let s: String = chars[cue.start..cue.end].iter().collect();
        assert_eq!(s, cue.text);
    }
}

#[test]
fn traditional_characters() {
    let a = c("我要投訴你們，太過分了");
    assert!(active(&a, CueCategory::Complaint));
    assert_eq!(a.polarity, Polarity::Negative);
    assert_eq!(c("太謝謝你了").emotion, Emotion::Gratitude);
}

#[test]
fn agent_phrases() {
    let a = agent("这个不归我管，你去找快递吧");
    assert!(a
        .agent
        .iter()
        .any(|m| m.kind == AgentKind::Prohibited && m.category == AgentCategory::Shirking));
    assert_eq!(a.escalation.level, Level::None);
    let b = agent("非常抱歉给您带来不便，我马上帮您处理");
    assert!(b.agent.iter().any(|m| m.category == AgentCategory::Apology));
    assert!(b.agent.iter().all(|m| m.kind == AgentKind::Encouraged));
    let h = agent("你听不懂吗？我已经说得很清楚了");
    assert!(h.agent.iter().any(|m| m.category == AgentCategory::Hostile));
    // Customer turns are not checked for agent phrases.
    assert!(c("不知道").agent.is_empty());
}

#[test]
fn bounds_on_odd_input() {
    let long = "投诉".repeat(200_000);
    // Many intents (我要, 我就) in one text: each is read to its sentence's end, not to the
    // text's (a 2-million-char text once took minutes).
    let intents = format!("我要投诉，{}", "这个问题一直没有解决。".repeat(9)).repeat(20_000);
    for t in [
        intents.as_str(),
        "",
        " ",
        "\0\u{1}\u{7f}",
        "！！！？？？",
        "😡",
        long.as_str(),
        "a\u{FFFD}b",
    ] {
        let a = c(t);
        assert!((-1.0..=1.0).contains(&a.valence));
        assert!((0.0..=1.0).contains(&a.intensity));
        assert!((0.0..=1.0).contains(&a.escalation.risk));
        let sum: f32 = a.emotions.as_array().iter().sum();
        assert!((sum - 1.0).abs() < 1e-3, "{sum}");
    }
    // Many short sentences in one turn, from either side: each sentence's units are found
    // once, not by scanning the whole turn per sentence.
    for t in [
        "你到底懂不懂？别烦我了！".repeat(5_000),
        "退款几天到账？多少钱？".repeat(5_000),
    ] {
        assert!(agent(&t).agent.len() <= t.chars().count());
        assert!((-1.0..=1.0).contains(&c(&t).valence));
    }
}

#[test]
fn lexicon_errors_list_every_bad_line() {
    let err = Analyzer::builder()
        .without_embedded()
        .lexicon_str(
            xinsheng::LexiconKind::Escalation,
            "bad-escalation.tsv",
            "# comment\n投诉\tcomplaint\t4\n举报\tnope\t5\n曝光\tmedia\t9\n只有一列\n",
        )
        .build()
        .unwrap_err();
    let msg = err.to_string();
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(lines.len(), 3, "{msg}");
    assert!(lines[0].starts_with("bad-escalation.tsv:3: "), "{msg}");
    assert!(lines[1].starts_with("bad-escalation.tsv:4: "), "{msg}");
    assert!(lines[2].starts_with("bad-escalation.tsv:5: "), "{msg}");
}

#[test]
fn embedded_lexicons_meet_the_minimum_sizes() {
    let s = an().lexicon_stats();
    let get = |k: &str| s.per_kind.get(k).copied().unwrap_or(0);
    assert!(get("emotion") >= 3000, "{:?}", s.per_kind);
    assert!(get("escalation") >= 400, "{:?}", s.per_kind);
    assert!(get("agent") >= 200, "{:?}", s.per_kind);
    for label in [
        "anger",
        "disgust",
        "anxiety",
        "sadness",
        "surprise",
        "joy",
        "gratitude",
    ] {
        assert!(
            s.per_category
                .get(&format!("emotion/{label}"))
                .copied()
                .unwrap_or(0)
                >= 100,
            "{label}"
        );
    }
    for cat in CueCategory::ALL {
        assert!(
            s.per_category
                .get(&format!("escalation/{cat}"))
                .copied()
                .unwrap_or(0)
                >= 10,
            "{cat}"
        );
    }
}

#[test]
fn batch_is_order_preserving_and_deterministic() {
    let texts: Vec<String> = (0..200)
        .map(|i| format!("第{i}次催了，怎么还没到？再不发货我就投诉"))
        .collect();
    let seq = an().analyze_batch_sequential(&texts, Speaker::Customer);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let par = pool.install(|| an().analyze_batch(&texts, Speaker::Customer));
    assert_eq!(seq, par);
}

/// Regression: function words are recognized whatever the lexicons hold. With a lexicon
/// of short terms only, a token longer than every term (为什么) must still be looked up
/// for its function-word classes.
#[test]
fn function_words_with_a_tiny_lexicon() {
    let tiny = Analyzer::builder()
        .without_embedded()
        .lexicon_str(
            xinsheng::LexiconKind::Escalation,
            "tiny.tsv",
            "投诉\tcomplaint\t3\n",
        )
        .build()
        .unwrap();
    let e = tiny.explain("为什么还没到", Speaker::Customer);
    assert!(
        e.contributions
            .iter()
            .any(|c| c.modifiers.iter().any(|m| m.starts_with("why-question"))),
        "{:?}",
        e.contributions
    );
    assert!(e.analysis.unwrap().valence < 0.0);
}

#[test]
fn hao_before_a_term_is_a_degree_adverb() {
    // 好麻烦 "so troublesome": 好 strengthens 麻烦 instead of adding its own +0.5.
    let so = c("你们真的好麻烦");
    assert_eq!(so.polarity, Polarity::Negative, "{so:?}");
    assert!(c("好麻烦").valence < c("麻烦").valence);
    // 好开心 is happier than 开心, and 好 alone is still the sentiment word.
    assert!(c("好开心").valence > c("开心").valence);
    assert_eq!(c("服务很好").polarity, Polarity::Positive);
    assert!(c("挺好").valence > 0.0);
    // 好 as the customer's "OK" before a polite request opener is not an adverb.
    assert_ne!(c("好麻烦您帮我看下").polarity, Polarity::Negative);
    assert_ne!(c("好，麻烦你帮我查一下").polarity, Polarity::Negative);
    // Degree words that are agent phrases, not sentiment words (确实, 绝对), still
    // strengthen a term further on.
    assert!(c("确实很满意").valence > c("很满意").valence);
    assert!(c("绝对很差").valence < c("很差").valence);
}

#[test]
fn negative_mood_is_one_reason_pointing_at_the_first_negative_turn() {
    use xinsheng::{ReasonKind, Turn};
    let turns = [
        Turn::new(Speaker::Customer, "你好，我想查一下订单"),
        Turn::new(Speaker::Agent, "您好，请提供订单号"),
        Turn::new(Speaker::Customer, "到现在还没发货，太差劲了"),
        Turn::new(Speaker::Agent, "请您耐心等待"),
        Turn::new(Speaker::Customer, "再不处理我就投诉你们"),
    ];
    let call = an().analyze_conversation(&turns);
    let mood: Vec<_> = call
        .escalation
        .reasons
        .iter()
        .filter(|r| r.kind == ReasonKind::PersistentNegativity)
        .collect();
    assert_eq!(mood.len(), 1, "{:?}", call.escalation.reasons);
    assert_eq!(mood[0].turn, Some(2), "{:?}", mood[0]);
    // A threat at the end adds to the mood mass: the same call without it weighs less.
    let calm = an().analyze_conversation(&turns[..4]);
    let w = |c: &xinsheng::ConversationAnalysis| {
        c.escalation
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::PersistentNegativity)
            .map_or(0.0, |r| r.weight)
    };
    assert!(w(&call) > w(&calm), "{} vs {}", w(&call), w(&calm));
}

#[test]
fn emoticons_made_of_punctuation_are_matched() {
    let emotion_of = |t: &str| c(t).emotion;
    assert_eq!(emotion_of("好的^_^"), Emotion::Joy);
    assert_eq!(emotion_of("好吧:("), Emotion::Sadness);
    assert_eq!(emotion_of("又要等o(╯□╰)o"), Emotion::Disgust);
    // Kaomoji typed with full-width brackets are still kaomoji …
    assert_eq!(emotion_of("（╯□╰）"), Emotion::Disgust);
    // … but full-width prose punctuation is no ASCII emoticon, and a letter does not run
    // on into a word.
    assert_eq!(
        emotion_of("标准分两种：（一）普通参保人员"),
        Emotion::Neutral
    );
    assert_eq!(emotion_of("地址:d栋"), Emotion::Neutral);
    // !! stays emphasis, not a term.
    let a = an().explain("太好了！！！", Speaker::Customer);
    assert!(a.tokens.iter().any(|t| t.text == "!"), "{:?}", a.tokens);
}

#[test]
fn a_question_counts_as_repeated_only_after_an_answer() {
    use xinsheng::{ReasonKind, Turn};
    // The hand-set roll-up lists the repeat as a reason of its own (the built-in call
    // model does not weigh repeats: they earned nothing out of fold).
    let hand_set = Analyzer::builder()
        .without_call_model()
        .build()
        .expect("embedded lexicons are valid");
    let repeats = |turns: &[Turn]| {
        hand_set
            .analyze_conversation(turns)
            .escalation
            .reasons
            .iter()
            .filter(|r| r.kind == ReasonKind::RepeatContact && r.turn.is_some())
            .map(|r| r.turn)
            .collect::<Vec<_>>()
    };
    let q = "请问这个订单的发票什么时候能开出来";
    // Asked, answered, asked again: the answer did not land.
    let answered = [
        Turn::new(Speaker::Customer, q),
        Turn::new(Speaker::Agent, "您好，发票会在订单完成后开具"),
        Turn::new(Speaker::Customer, q),
    ];
    assert_eq!(repeats(&answered), vec![Some(2)]);
    // Sent twice before any answer (waiting, or a duplicated export row): no repeat.
    let resent = [
        Turn::new(Speaker::Customer, q),
        Turn::new(Speaker::Customer, q),
        Turn::new(Speaker::Agent, "您好，发票会在订单完成后开具"),
    ];
    assert_eq!(repeats(&resent), Vec::<Option<usize>>::new());
}

#[test]
fn plain_words_of_fatigue_and_pain_read_as_sadness() {
    for t in [
        "今天真的好累",
        "脚特别疼",
        "为了这个退款跑了五趟，太累了",
        "日子过得很艰难",
    ] {
        assert_eq!(c(t).emotion, Emotion::Sadness, "{t}");
    }
    // Words that contain them are other words.
    for t in ["她很疼爱孩子", "累计积分", "说得痛快"] {
        assert_ne!(c(t).emotion, Emotion::Sadness, "{t}");
    }
}

#[test]
fn blessings_and_relief_read_as_joy_but_company_names_do_not() {
    for t in [
        "愿大家平平安安",
        "一定能战胜疫情",
        "这样我就安心了",
        "向医护人员致敬",
    ] {
        assert_eq!(c(t).polarity, Polarity::Positive, "{t}");
    }
    // 平安 and 安心 are also the names of a bank and an insurer.
    for t in ["我办了平安银行的卡", "我办了平安的卡", "安心保险理赔"] {
        assert_eq!(c(t).polarity, Polarity::Neutral, "{t}");
    }
}

#[test]
fn a_threat_of_harm_escalates_the_call_and_a_denied_one_does_not() {
    use xinsheng::{ReasonKind, Turn};
    let call = |last: &str| {
        an().analyze_conversation(&[
            Turn::new(Speaker::Customer, "我的退款到现在还没到账"),
            Turn::new(Speaker::Agent, "请您再耐心等待几天"),
            Turn::new(Speaker::Customer, last),
        ])
    };
    let threat = call("再不退钱我就去你们营业厅拉横幅");
    assert!(
        threat.escalation.escalated,
        "{:?}",
        threat.escalation.reasons
    );
    assert_eq!(threat.escalation.first_turn, Some(2));
    // A threat of violence makes the call critical, whatever else it holds.
    assert_eq!(call("信不信我揍你").escalation.level, Level::Critical);
    assert!(threat
        .escalation
        .reasons
        .iter()
        .any(|r| r.kind == ReasonKind::ExplicitThreat && r.detail.starts_with("harm:")));
    let denied = call("你放心，我不会去你们公司闹的");
    assert!(
        !denied.escalation.escalated,
        "{:?}",
        denied.escalation.reasons
    );
    // Look-alikes: a clearance sale, meditation, a kind farewell, a make-up advert.
    for t in [
        "全场跳楼大甩卖",
        "我每天早上静坐冥想",
        "出门小心点哦",
        "这款口红让你好看",
    ] {
        assert!(!active(&c(t), CueCategory::Harm), "{t}");
    }
    // Anger at a third party is anger, not a threat to the company.
    let a = c("真想砍死他");
    assert_eq!(a.emotion, Emotion::Anger);
    assert!(!active(&a, CueCategory::Harm), "{:?}", a.escalation.cues);
}

#[test]
fn never_daring_to_buy_again_is_churn_and_begging_is_anxiety() {
    assert!(active(&c("以后再也不敢在你们这买了"), CueCategory::Churn));
    assert!(active(&c("吃了一次亏，不敢再买了"), CueCategory::Churn));
    assert_eq!(c("求求你们快点发货吧").emotion, Emotion::Anxiety);
    assert_eq!(c("他竟直接叫出了我的名字").emotion, Emotion::Surprise);
}

#[test]
fn a_negated_verb_glued_to_its_object_is_still_negated() {
    // jieba writes 解决问题 as one word, so 无法 + 解决问题 held no 无法解决.
    for t in [
        "依然无法解决问题",
        "你们根本没有解决问题",
        "说了半天也不解决问题",
    ] {
        let a = c(t);
        assert_eq!(a.polarity, Polarity::Negative, "{t}: {}", a.valence);
    }
    // Only after a negator, and only into two words: these stay as they were.
    assert_eq!(c("请问身体健康状况怎么填").polarity, Polarity::Neutral);
    assert_eq!(
        c("有问题随时联系我们").polarity,
        c("有问题随时联系").polarity
    );
}

#[test]
fn ridiculous_is_sarcasm_in_a_complaint() {
    for t in [
        "你们回答还真搞笑",
        "反映了大半年了毫无改进，这个叫重视？搞笑！",
    ] {
        assert_eq!(c(t).polarity, Polarity::Negative, "{t}");
    }
    // Laughter around it is still laughter.
    assert_eq!(c("这个视频太搞笑了哈哈哈").emotion, Emotion::Joy);
    assert_eq!(c("这个叫服务？").polarity, Polarity::Negative);
}

#[test]
fn a_bad_word_or_a_body_at_the_end_of_a_longer_word_is_found() {
    // jieba's words 中国消费者协会, 网络故障, 又坏了 hide the regulator and the fault.
    assert!(active(
        &c("我要向中国消费者协会投诉"),
        CueCategory::Regulator
    ));
    for t in ["手机又坏了", "一直网络故障"] {
        assert_eq!(c(t).polarity, Polarity::Negative, "{t}");
    }
    // A positive tail stays in its word, a one-char head must be a term, and an
    // A-not-A question is a question.
    for t in ["信息安全很重要", "尽量少放辣", "这样行不行"] {
        assert_ne!(c(t).polarity, Polarity::Negative, "{t}");
    }
}

#[test]
fn asking_for_the_general_manager_or_the_store_manager_is_a_supervisor_demand() {
    for t in ["让你们总经理来跟我说", "叫你们店长出来", "叫你们主管来"] {
        assert!(active(&c(t), CueCategory::Supervisor), "{t}");
    }
    // Our own manager arriving is no demand.
    assert!(c("我们总经理明天到").escalation.level <= Level::Low);
}

#[test]
fn an_agent_line_is_positive_by_its_service_not_by_its_wording() {
    // Empathy, apology or ownership: the line does the customer a service.
    for t in [
        "好的，已经帮您把收货地址改成新地址了",
        "给您添麻烦了，真的很抱歉",
        "您的着急我能理解，我们一起想办法",
    ] {
        assert_eq!(agent(t).polarity, Polarity::Positive, "{t}");
    }
    // A follow-up in plain information is not a service done.
    assert_eq!(agent("包裹预计后天上午送达").polarity, Polarity::Neutral);
    // Service talk is worded positively by habit: an agent's positive word weighs less
    // than the customer's same word.
    for t in ["分期付款支持六期免息", "新版App查询更快捷"] {
        let (a, cu) = (agent(t).valence, c(t).valence);
        assert!(a > 0.0 && a < 0.5 * cu, "{t}: agent {a}, customer {cu}");
    }
}
