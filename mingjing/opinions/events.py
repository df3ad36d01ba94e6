"""Audit phrases for opinion solicitation (merged into mingjing.audit.events at start-up).

Nothing here is written per anonymous submission: an audit row's timestamp would date a response
finer than a day. The number of online responses is written once, when the campaign closes."""

EVENT_PHRASES = {
    "opinion.imported": "导入了{count}条意见",
    "opinion.campaign_closed": "结束了征求意见（{date}，网上匿名意见{online}条）",
    "opinion.campaign_reopened": "重新开放了征求意见（原因：{reason}）",
    "opinion.ballots_issued": "生成了{count}个一次性填写码（{group}）",
    "opinion.item_linked": "调整了归纳项“{object}”包含的意见（{count}条）",
}
